using Memlens.Core.Analysis;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Model;
using System.Diagnostics;
using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>Cores the suite makes with gdb's gcore from its own processes, and malformed cores built from them.</summary>
public sealed class CoreDumpTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Gcore(int pid)
    {
        string dir = _temp.New("memlens-core-");
        string prefix = Path.Combine(dir, "core");
        var psi = new ProcessStartInfo("gcore", ["-o", prefix, pid.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        string path = $"{prefix}.{pid}";
        Assert.True(File.Exists(path), $"gcore made no {path}");
        return path;
    }

    [Fact]
    public void A_c_core_gives_the_live_owners_and_dumped_bytes()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var live = LiveProcess.Load(subject.Pid);
        var liveReport = ReportBuilder.Build(Analyzer.Analyze(live));
        var (report, core) = Analysed.Core(CoreSource.Load(Gcore(subject.Pid)));
        // gcore leaves out only the kernel's [vvar] pages (unreadable): everything else of VSZ is there.
        ulong vvar = live.Regions.Where(r => r.Map.Path.StartsWith("[vvar", StringComparison.Ordinal)).Aggregate(0UL, (a, r) => a + r.Size);
        Assert.Equal(liveReport.Totals.Virtual - vvar, report.Totals.Virtual);
        Assert.Equal(5, report.Core!.Threads);
        Assert.Equal(4, report.Groups.Count(g => g.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal)));
        Assert.Contains(core.Regions, r => r.Attribution!.Owner is GlibcArena && r.Attribution.Evidence.Contains("heap_info confirms it", StringComparison.Ordinal));
        foreach (var t in live.Threads.Where(t => t.Tid != subject.Pid))
            Assert.Contains(report.Groups, g => g.Owner == $"thread {t.Tid} (?)");
        Assert.Contains(report.Regions, r => r.Owner == SubjectBuilds.Threads && r.Detail == "text");
        Assert.Contains(report.Warnings, w => w.StartsWith("written by gdb's gcore", StringComparison.Ordinal));
        Assert.True(report.Core.Dumped > 0);
        Assert.Null(report.Totals.Rss);
        Assert.Equal(report.Core.Dumped, report.Core.Owners.Aggregate(0UL, (a, o) => a + o.Dumped));
    }

    [Fact]
    public void A_core_lines_up_with_its_still_running_process()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string core = Gcore(subject.Pid);
        var d = ChangeReportBuilder.Diff(Analyzer.Analyze(CoreSource.Load(core).Snapshot), Analyzer.Analyze(LiveProcess.Load(subject.Pid)));
        // What differs is what a core cannot record: the [vvar] pages and the [heap] name. Threads, arenas, images match.
        Assert.All(d.Changes, c => Assert.True(c.Owner is "[vvar]" or "[vvar_vclock]" or "brk heap (glibc main arena)" or "anonymous private", $"{c.Change} {c.Owner}"));
        Assert.DoesNotContain(d.Changes, c => c.Owner.StartsWith("thread stack", StringComparison.Ordinal) || c.Owner == "glibc malloc arenas");
    }

    [Fact]
    public void A_go_core_labels_the_runtime_regions()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure);
        var report = Analysed.CoreReport(Gcore(subject.Pid));
        Assert.Contains(report.Groups, g => g.Owner == "Go heap arenas");
        Assert.Contains(report.Groups, g => g.Owner == "Go page-allocator summaries and scavenger index");
        Assert.Equal("gohttp-pure", report.Process.Comm);
        var r = MemlensCli.Run("report", CoreFile(report), "--exe", SubjectBuilds.GoHttpPure);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("CORE (", r.Out);
        Assert.Contains("a core cannot tell:", r.Out);
    }

    private static string CoreFile(Memlens.Reporting.Model.Report report) => report.Core!.File;

    [Fact]
    public void A_truncated_core_is_a_partial_report_that_says_so()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string core = Gcore(subject.Pid);
        string cut = core + ".cut";
        using (var src = File.OpenRead(core))
        using (var dst = File.Create(cut))
        {
            var buffer = new byte[src.Length / 3];
            src.ReadExactly(buffer);
            dst.Write(buffer);
        }
        var r = MemlensCli.Run("report", cut);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("the core is truncated", r.Out);
        Assert.Contains("(the report is partial)", r.Out);
    }

    [Fact]
    public void Corrupt_cores_are_one_line()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string core = Gcore(subject.Pid);
        var bytes = File.ReadAllBytes(core)[..4096];
        string headerOnly = core + ".head";
        File.WriteAllBytes(headerOnly, bytes[..40]);
        var r = MemlensCli.Run("report", headerOnly);
        Assert.Equal(6, r.ExitCode);
        Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        // A note that claims more bytes than its segment holds: the notes after it are skipped, not trusted.
        var loaded = Memlens.Formats.Elf.ElfCoreFile.Read(new MemoryStream(CorruptNote(File.ReadAllBytes(core))), "corrupt");
        Assert.Contains(loaded.Problems, p => p.Contains("past its segment", StringComparison.Ordinal));
    }

    [Fact]
    public void Overlapping_program_headers_are_left_out_and_reported()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var bytes = File.ReadAllBytes(Gcore(subject.Pid));
        // The third PT_LOAD made to start where the second does.
        var loads = Enumerable.Range(0, BitConverter.ToUInt16(bytes, 56)).Select(i => 64 + i * 56).Where(at => BitConverter.ToUInt32(bytes, at) == 1).ToList();
        BitConverter.GetBytes(BitConverter.ToUInt64(bytes, loads[1] + 16)).CopyTo(bytes, loads[2] + 16);
        string bad = Path.Combine(_temp.New("memlens-core-"), "overlapping");
        File.WriteAllBytes(bad, bytes);
        var report = Analysed.CoreReport(bad);
        Assert.Contains(report.Warnings, w => w.Contains("overlaps the one before it and was left out (the report is partial)", StringComparison.Ordinal));
        var r = MemlensCli.Run("report", bad);
        Assert.Equal(0, r.ExitCode);
    }

    /// <summary>Sets the first note's descsz to 2^31 − 1.</summary>
    private static byte[] CorruptNote(byte[] core)
    {
        using var s = new MemoryStream(core);
        var elf = Memlens.Formats.Elf.ElfFile.Read(s, "core");
        var note = elf.ProgramHeaders.First(p => p.Type == Memlens.Formats.Elf.ElfProgramHeader.PT_NOTE);
        BitConverter.TryWriteBytes(core.AsSpan((int)note.Offset + 4, 4), int.MaxValue);
        return core;
    }
}
