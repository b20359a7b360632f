using Memlens.Core.Analysis;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Model;
using System.Diagnostics;
using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// Cores the kernel writes: the suite starts its own subject with RLIMIT_CORE raised in a directory of its own, sends
/// it a fatal signal and reads the core the kernel leaves there (kernel.core_pattern must name a file, as it does on
/// this kind of machine: "core").
/// </summary>
public sealed class KernelCoreTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed record Crashed(string Core, IReadOnlyList<MapsEntry> Maps, ProcessAnalysis Live);

    private Crashed Crash(string program, string signal, IDictionary<string, string>? env = null)
    {
        string dir = _temp.New("memlens-kcore-");
        using var subject = Subject.Start("/bin/sh", ["-c", $"ulimit -c unlimited && cd '{dir}' && exec '{program}'"], env);
        var maps = MapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/maps")).Items;
        // Analysed while the process lives: the rules read allocator headers from /proc/PID/mem.
        var live = Analyzer.Analyze(LiveProcess.Load(subject.Pid));
        string comm = File.ReadAllText($"/proc/{subject.Pid}/comm").TrimEnd('\n');
        using (var kill = Process.Start("kill", [$"-{signal}", subject.Pid.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(subject.WaitForExit(TimeSpan.FromSeconds(60)), "the subject did not die of the signal");
        string core = CorePath(dir, subject.Pid, comm);
        Assert.True(File.Exists(core), $"the kernel wrote no {core} (kernel.core_pattern: {File.ReadAllText("/proc/sys/kernel/core_pattern").Trim()})");
        return new Crashed(core, maps, live);
    }

    /// <summary>Where kernel.core_pattern puts the core of a process that ran in dir; only file patterns can be tested.</summary>
    private static string CorePath(string dir, int pid, string comm)
    {
        string pattern = File.ReadAllText("/proc/sys/kernel/core_pattern").TrimEnd('\n');
        if (pattern.StartsWith('|')) throw new InvalidOperationException($"kernel.core_pattern pipes cores to a program ({pattern}): these tests need a file pattern such as 'core'");
        bool hasPid = pattern.Contains("%p", StringComparison.Ordinal);
        string name = pattern.Replace("%p", pid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%e", comm, StringComparison.Ordinal).Replace("%%", "%", StringComparison.Ordinal);
        if (name.Contains('%')) throw new InvalidOperationException($"kernel.core_pattern {pattern} uses specifiers these tests do not expand");
        if (!hasPid && File.ReadAllText("/proc/sys/kernel/core_uses_pid").Trim() == "1") name += "." + pid.ToString(CultureInfo.InvariantCulture);
        return Path.IsPathRooted(name) ? name : Path.Combine(dir, name);
    }

    [Fact]
    public void A_kernel_core_of_a_c_process_has_every_mapping_with_its_protections_and_the_same_owners()
    {
        var crashed = Crash(SubjectBuilds.Threads, "SEGV");
        var loaded = CoreSource.Load(crashed.Core);
        // The kernel records every mapping, [vvar] and the gate page included, with its exact protections.
        Assert.Equal(crashed.Maps.Select(m => (m.Start, m.End, m.Perms)), loaded.Snapshot.Regions.Select(r => (r.Start, r.End, r.Map.Perms)));
        var (report, core) = Analysed.Core(loaded);
        var liveReport = ReportBuilder.Build(crashed.Live);
        Assert.Equal(liveReport.Totals.Virtual, report.Totals.Virtual);
        Assert.DoesNotContain(report.Warnings, w => w.StartsWith("written by gdb's gcore", StringComparison.Ordinal));
        // Names a core does not carry come back from evidence: [vvar] below the vDSO, the brk heap above the executable.
        var heap = crashed.Maps.Single(m => m.Path == "[heap]");
        var coreHeap = core.Regions.Single(r => r.Start == heap.Start);
        Assert.Equal("brk heap (glibc main arena)", coreHeap.Attribution!.Owner.Label);
        Assert.Contains("glibc's tcache block", coreHeap.Attribution.Evidence, StringComparison.Ordinal);
        foreach (var name in new[] { "[vvar]", "[vvar_vclock]", "[vdso]" }.Where(n => crashed.Maps.Any(m => m.Path == n)))
            Assert.Equal(crashed.Maps.Single(m => m.Path == name).Start, loaded.Snapshot.Regions.Single(r => r.Map.Path == name).Start);
        // The owners are the live ones, to the region: only resident figures differ, and a core has none.
        var d = ChangeReportBuilder.Diff(core, crashed.Live);
        Assert.All(d.Changes, c => Assert.Equal(0, c.VirtualDelta));
        Assert.Equal(4, report.Groups.Count(g => g.Owner.StartsWith("glibc malloc arena 0x", StringComparison.Ordinal)));
        Assert.Equal(5, report.Core!.Threads);
        Assert.Equal(liveReport.Totals.Virtual - liveReport.Totals.ReservedOnly, report.Totals.Virtual - report.Totals.ReservedOnly);
    }

    [Fact]
    public void A_kernel_core_of_a_go_process_labels_the_runtime_regions()
    {
        var crashed = Crash(SubjectBuilds.GoHttpPure, "ABRT", new Dictionary<string, string> { ["GOTRACEBACK"] = "crash" });
        var loaded = CoreSource.Load(crashed.Core);
        Assert.Equal(crashed.Maps.Select(m => (m.Start, m.End, m.Perms)), loaded.Snapshot.Regions.Select(r => (r.Start, r.End, r.Map.Perms)));
        var (report, core) = Analysed.Core(loaded);
        Assert.Contains(report.Groups, g => g.Owner == "Go heap arenas");
        Assert.Contains(report.Groups, g => g.Owner == "Go page-allocator summaries and scavenger index");
        Assert.Contains(report.Groups, g => g.Owner == SubjectBuilds.GoHttpPure && g.Kind == "image");
        // The signal may be taken by any thread, and the main thread may be on a goroutine stack: the main stack is
        // found from the auxiliary vector, not from a stack pointer. Every region has its live owner.
        var stack = crashed.Maps.Single(m => m.Path == "[stack]");
        Assert.Equal(new ThreadStackOwner(crashed.Live.Snapshot.Pid, "gohttp-pure", true), core.Regions.Single(r => r.Start == stack.Start).Attribution!.Owner);
        var liveOwners = crashed.Live.Regions.ToDictionary(r => r.Start, r => r.Attribution!.Owner);
        Assert.All(core.Regions.Where(r => r.Attribution!.Owner is not ThreadStackOwner),
            r => Assert.Equal(liveOwners[r.Start], r.Attribution!.Owner));
        // The heap arenas start where they did in the live process (the runtime's first arena hint).
        ulong liveArena = crashed.Live.Regions.Where(r => r.Attribution!.Owner == GoRuntimeOwner.HeapArenas).Min(r => r.Start);
        Assert.Equal(liveArena, core.Regions.Where(r => r.Attribution!.Owner == GoRuntimeOwner.HeapArenas).Min(r => r.Start));
        Assert.Equal(0UL, report.Groups.Where(g => g.Kind == "unattributed").Aggregate(0UL, (a, g) => a + g.Numbers.Virtual));
    }
}
