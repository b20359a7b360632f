using System.Globalization;
using System.Text.Json;
using Memlens.Core;
using Memlens.Core.Runtimes.Dotnet;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// `memlens dotnet` and the .NET section on the .NET subject started here (workstation GC, server GC, a heap hard
/// limit): the GC's own figures read through the diagnostic port only with --runtime, every identity checked against
/// the kernel's figures of the regions owned to the GC, a snapshot captured with --runtime read offline.
/// </summary>
public sealed class DotnetRuntimeTests
{
    private const ulong MiB = 1UL << 20;
    private static string Executable => Path.Combine(AppContext.BaseDirectory, "memlens");

    private static Subject Start(params (string Name, string Value)[] env) =>
        Subject.Start("dotnet", [SubjectBuilds.DotnetSubjectDll], env.ToDictionary(e => e.Name, e => e.Value));

    private static JsonElement Section(int pid, bool runtime) => Section(Pid(pid), runtime);

    private static JsonElement Section(string target, bool runtime)
    {
        var r = runtime ? MemlensCli.Run("dotnet", target, "--runtime", "--json") : MemlensCli.Run("dotnet", target, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static ulong? Figure(JsonElement section, string name) =>
        section.GetProperty("figures").EnumerateArray().Where(f => f.GetProperty("name").GetString() == name)
            .Select(f => f.GetProperty("bytes").ValueKind == JsonValueKind.Number ? f.GetProperty("bytes").GetUInt64() : (ulong?)null).FirstOrDefault();

    private static void AssertEveryIdentityHolds(JsonElement section, int atLeast)
    {
        var identities = section.GetProperty("identities").EnumerateArray().ToList();
        Assert.True(identities.Count >= atLeast, $"{identities.Count} identities");
        Assert.All(identities, i => Assert.True(i.GetProperty("holds").GetBoolean(), i.GetProperty("name").GetString() + ": " + i.GetProperty("explanation").GetString()));
    }

    [Fact]
    public void Workstation_gc_figures_are_the_runtimes_and_agree_with_the_kernels()
    {
        using var subject = Start();
        // A socket an earlier process of the same pid left behind (a killed runtime does not remove its own) is not taken.
        string stale = $"/tmp/dotnet-diagnostic-{subject.Pid}-99999999999-socket";
        File.WriteAllText(stale, "");
        JsonElement d;
        try { d = Section(subject.Pid, runtime: true); }
        finally { File.Delete(stale); }
        Assert.True(d.GetProperty("runtimeRead").GetBoolean());
        Assert.Contains(d.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("asking cost the process", StringComparison.Ordinal));
        Assert.StartsWith("workstation GC", d.GetProperty("gcMode").GetString());
        Assert.Contains("regions", d.GetProperty("gcMode").GetString());
        Assert.Equal(Environment.Version.ToString(), d.GetProperty("runtimeVersion").GetString());
        // The subject holds 32 arrays of 1 MiB and collected after allocating them: the large object heap holds them.
        var loh = d.GetProperty("generations").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "large object heap");
        Assert.InRange(loh.GetProperty("size").GetUInt64(), 32 * MiB, 33 * MiB);
        Assert.InRange(Figure(d, "committed by the GC")!.Value, 32 * MiB, 64 * MiB);
        Assert.True(Figure(d, "allocated since start") >= 32 * MiB);
        var collections = d.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "collections (gen0 / gen1 / gen2)");
        Assert.True(int.Parse(collections.GetProperty("value").GetString()!.Split(" / ")[2], CultureInfo.InvariantCulture) >= 1, "the subject's GC.Collect() is a gen2 collection");
        AssertEveryIdentityHolds(d, 2);
        var committed = d.GetProperty("kernelView").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "GC heap mappings: committed");
        Assert.True(committed.GetProperty("bytes").GetUInt64() >= 32 * MiB);
    }

    [Fact]
    public void Every_gc_counter_and_meter_instrument_the_runtime_sends_is_explained()
    {
        using var subject = Start();
        var figures = DotnetRuntimeCounters.Read(subject.Pid, null, [], [], out string? problem);
        Assert.True(figures is not null, problem);
        var counters = figures.Counters.Select(c => c.Name)
            .Where(n => n.StartsWith("gc-", StringComparison.Ordinal) || n.StartsWith("gen-", StringComparison.Ordinal) || n is "loh-size" or "poh-size" or "alloc-rate" or "working-set" or "total-pause-time-by-gc").ToList();
        Assert.True(counters.Count >= 12, string.Join(", ", counters));
        Assert.All(counters, n => Assert.True(DotnetGlossary.Find(n)?.Field == n, $"counter {n} is not explained"));
        var instruments = figures.Measurements.Where(m => m.Instrument.StartsWith("dotnet.gc.", StringComparison.Ordinal))
            .Select(m => m.Tags.Length == 0 ? m.Instrument : $"{m.Instrument}{{{m.Tags}}}").Distinct().ToList();
        Assert.True(instruments.Count >= 10, string.Join(", ", instruments));
        Assert.All(instruments, i => Assert.True(DotnetGlossary.Find(i) is not null, $"instrument {i} is not explained"));
    }

    [Fact]
    public void Server_gc_has_a_heap_per_cpu_and_its_setting_is_shown()
    {
        using var subject = Start(("DOTNET_gcServer", "1"));
        var d = Section(subject.Pid, runtime: true);
        int heaps = Environment.ProcessorCount;
        Assert.StartsWith($"server GC, {heaps} heap{(heaps == 1 ? "" : "s")}", d.GetProperty("gcMode").GetString());
        var setting = d.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("where").GetString() == "DOTNET_gcServer");
        Assert.Equal("1", setting.GetProperty("value").GetString());
        AssertEveryIdentityHolds(d, 2);
        // Without --runtime the flavour still shows: it is read from the GC threads' names.
        Assert.StartsWith($"server GC, {heaps} heap", Section(subject.Pid, runtime: false).GetProperty("gcMode").GetString());
    }

    [Fact]
    public void A_heap_hard_limit_shrinks_the_reservation_to_five_times_it_and_memlens_still_finds_it()
    {
        const ulong limit = 200 * MiB;
        using var subject = Start(("DOTNET_GCHeapHardLimit", "0xC800000"));
        var d = Section(subject.Pid, runtime: true);
        Assert.Contains("heap hard limit 200 MiB (DOTNET_GCHeapHardLimit)", d.GetProperty("gcMode").GetString());
        AssertEveryIdentityHolds(d, 2);
        var report = JsonDocument.Parse(MemlensCli.Run("report", Pid(subject.Pid), "--json").Out).RootElement;
        var gc = report.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("owner").GetString() == ".NET GC heap (regions range and bookkeeping)");
        // gc.cpp: regions_range = 5 × heap_hard_limit; the card and mark tables beside it are a few percent more.
        Assert.InRange(gc.GetProperty("numbers").GetProperty("virtual").GetUInt64(), 5 * limit, 5 * limit + limit / 2);
        Assert.DoesNotContain(report.GetProperty("groups").EnumerateArray(),
            g => g.GetProperty("kind").GetString() == "unattributed" && g.GetProperty("numbers").GetProperty("virtual").GetUInt64() > 64 * MiB);
    }

    [Fact]
    public void In_a_small_container_the_findings_speak_the_gcs_terms()
    {
        const ulong container = 300 * MiB;
        using var cgroup = MemoryCgroup.Create(container);
        // An explicit hard limit above the container's, with server GC.
        using (var subject = cgroup.Start("dotnet", [SubjectBuilds.DotnetSubjectDll], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCHeapHardLimit"] = "0x20000000" }))
        {
            var report = JsonDocument.Parse(MemlensCli.Run("report", Pid(subject.Pid), "--runtime", "--json").Out).RootElement;
            var titles = report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("title").GetString()).ToList();
            Assert.Contains(".NET GC hard limit above the container's limit", titles);
            var above = report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("title").GetString() == ".NET GC hard limit above the container's limit");
            Assert.Equal(512 * MiB - container, above.GetProperty("bytes").GetUInt64());
            Assert.Contains("DOTNET_GCHeapHardLimit", above.GetProperty("text").GetString(), StringComparison.Ordinal);
            if (Environment.ProcessorCount > 1)
                Assert.Contains(".NET server GC: many heaps for a small container", titles);
        }
        // No setting: the container's limit sets the default, 75% of it, and the reservation follows (5×).
        using (var subject = cgroup.Start("dotnet", [SubjectBuilds.DotnetSubjectDll]))
        {
            var d = Section(subject.Pid, runtime: true);
            Assert.Contains("heap hard limit 225 MiB (the default: 75% of the cgroup's memory.max)", d.GetProperty("gcMode").GetString());
            AssertEveryIdentityHolds(d, 2);
            var report = JsonDocument.Parse(MemlensCli.Run("report", Pid(subject.Pid), "--json").Out).RootElement;
            Assert.DoesNotContain(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("title").GetString() == ".NET GC hard limit above the container's limit");
            var gc = report.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("owner").GetString() == ".NET GC heap (regions range and bookkeeping)");
            Assert.InRange(gc.GetProperty("numbers").GetProperty("virtual").GetUInt64(), 5 * (container / 4 * 3), 5 * (container / 4 * 3) * 11 / 10);
        }
    }

    [Fact]
    public void Without_runtime_no_connection_is_made_to_the_diagnostic_port()
    {
        using var subject = Start();
        string dir = Directory.CreateTempSubdirectory("memlens-dotnet-").FullName;
        try
        {
            // memlens run as a program of its own, every connect(2) it makes logged.
            string log = Path.Combine(dir, "connects");
            RealProgram.Run("strace", "-f", "-e", "trace=connect", "-o", log, Executable, "dotnet", Pid(subject.Pid));
            string quiet = File.ReadAllText(log);
            Assert.Contains("+++ exited with 0 +++", quiet, StringComparison.Ordinal);
            Assert.DoesNotContain("dotnet-diagnostic", quiet, StringComparison.Ordinal);
            // The same check sees the connection when one is asked for.
            RealProgram.Run("strace", "-f", "-e", "trace=connect", "-o", log, Executable, "dotnet", Pid(subject.Pid), "--runtime");
            Assert.Contains($"dotnet-diagnostic-{subject.Pid}-", File.ReadAllText(log), StringComparison.Ordinal);
            // And the section without it says what the layout gives and how to get the rest.
            var d = Section(subject.Pid, runtime: false);
            Assert.False(d.GetProperty("runtimeRead").GetBoolean());
            Assert.Empty(d.GetProperty("generations").EnumerateArray());
            Assert.Contains(d.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("--runtime", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_snapshot_captured_with_runtime_reproduces_the_section_offline()
    {
        using var subject = Start(("DOTNET_GCgen0size", "0x4000000"));
        string dir = Directory.CreateTempSubdirectory("memlens-dotnet-").FullName;
        try
        {
            string snap = Path.Combine(dir, "snap");
            var capture = MemlensCli.Run("capture", Pid(subject.Pid), "--runtime", "-o", snap);
            Assert.True(capture.ExitCode == 0, capture.Error);
            string saved = File.ReadAllText(Path.Combine(snap, "dotnet-runtime.txt"));
            // Only the GC's variables are kept from the environment.
            Assert.Contains("setting\tGCgen0size\t0x4000000\tDOTNET_GCgen0size", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("PATH", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("HOME", saved, StringComparison.Ordinal);
            var offline = Section(snap, runtime: false);
            Assert.True(offline.GetProperty("runtimeRead").GetBoolean());
            Assert.InRange(offline.GetProperty("generations").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "large object heap").GetProperty("size").GetUInt64(), 32 * MiB, 33 * MiB);
            AssertEveryIdentityHolds(offline, 2);
            // The report's .NET section is the same section.
            var report = JsonDocument.Parse(MemlensCli.Run("report", snap, "--json").Out).RootElement;
            Assert.Equal(offline.GetRawText(), report.GetProperty("dotnet").GetRawText());
            // A snapshot cannot be asked.
            MemlensCli.AssertOneLine(MemlensCli.Run("dotnet", snap, "--runtime"), ExitCode.Usage, "captured with --runtime");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_process_without_the_dotnet_runtime_is_told_so_in_one_line()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads, "2");
        MemlensCli.AssertOneLine(MemlensCli.Run("dotnet", Pid(subject.Pid)), ExitCode.BadInput, "no libcoreclr.so is mapped");
        MemlensCli.AssertOneLine(MemlensCli.Run("report", Pid(subject.Pid), "--runtime"), ExitCode.BadInput, "neither is mapped in this process");
    }
}
