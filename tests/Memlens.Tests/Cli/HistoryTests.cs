using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Memlens.Core.History;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>
/// `memlens record` and `memlens history` on real C subjects: a steady native leak found as one, owners that stay flat
/// found flat, a recorder killed with SIGKILL leaving a history that opens, a restarted program continuing its series.
/// </summary>
public sealed class HistoryTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static string Executable => Path.Combine(AppContext.BaseDirectory, "memlens");
    private static string P(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static JsonElement History(string target, string db)
    {
        var r = MemlensCli.Run("history", target, "--db", db, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static JsonElement Owner(JsonElement history, string kind, Func<string, bool> name) =>
        history.GetProperty("owners").EnumerateArray().Single(o => o.GetProperty("kind").GetString() == kind && name(o.GetProperty("owner").GetString()!));

    [Fact]
    public void A_steady_native_leak_is_called_one_and_what_stays_put_is_flat()
    {
        using var subject = Subject.Start(SubjectBuilds.Grow);
        string db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        var r = MemlensCli.Run("record", P(subject.Pid), "--db", db, "--interval", "250ms", "--count", "8", "--full-every", "1");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("8 sample(s) of grow", r.Out, StringComparison.Ordinal);

        var history = History(P(subject.Pid), db);
        Assert.Equal(8, history.GetProperty("samples").GetInt32());
        var whole = history.GetProperty("owners")[0];
        Assert.Equal(LeakVerdicts.WholeProcess, whole.GetProperty("owner").GetString());
        Assert.Equal("steady growth", whole.GetProperty("shape").GetString());
        var leak = history.GetProperty("owners").EnumerateArray().First(o => o.GetProperty("kind").GetString() == "native-heap");
        Assert.Equal("steady growth", leak.GetProperty("shape").GetString());
        Assert.True(leak.GetProperty("rSquared").GetDouble() > 0.95);
        // 1 MiB every 50 ms is 20 MiB/s: the fitted slope is of that order (the subject is slowed by the machine, never sped up).
        Assert.InRange(leak.GetProperty("rssPerHour").GetDouble() / 3600, 4 << 20, 24 << 20);
        Assert.Contains("native allocations are not freed", leak.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        var libc = Owner(history, "image", o => o.EndsWith("/libc.so.6", StringComparison.Ordinal));
        Assert.Equal("flat", libc.GetProperty("shape").GetString());

        var text = MemlensCli.Run("history", P(subject.Pid), "--db", db);
        Assert.Contains("steady growth", text.Out, StringComparison.Ordinal);
        Assert.Contains("native allocations are not freed", text.Out, StringComparison.Ordinal);

        // The page: RSS by kind over time, stacked, in the kinds' colours, one band a kind, and the verdicts.
        string page = Path.Combine(Path.GetDirectoryName(db)!, "history.html");
        Assert.Equal(0, MemlensCli.Run("history", P(subject.Pid), "--db", db, "--format", "html", "-o", page).ExitCode);
        string html = File.ReadAllText(page);
        Assert.Contains($"<polygon data-kind=\"native-heap\" fill=\"{Memlens.Reporting.Terminal.KindColors.Rgb("native-heap")}\"", html, StringComparison.Ordinal);
        int kinds = history.GetProperty("kinds").EnumerateArray().SelectMany(k => k.GetProperty("rss").EnumerateObject().Select(p => p.Name)).Distinct().Count();
        Assert.Equal(kinds, System.Text.RegularExpressions.Regex.Count(html, "<polygon "));
        Assert.Contains("native allocations are not freed", html, StringComparison.Ordinal);
    }

    /// <summary>A Go subject, recorded with its expvar page: what grows, and what the runtime's own figures say beside it.</summary>
    private JsonElement RecordGo(string mode, out string db, bool metrics = true)
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure, mode);
        string address = subject.ReadyLine.Split(' ')[1];
        db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        string[] page = metrics ? ["--metrics", $"http://{address}/debug/vars"] : [];
        var r = MemlensCli.Run(["record", P(subject.Pid), "--db", db, "--interval", "250ms", "--count", "12", "--full-every", "1", .. page]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);   // the page was read at every sample
        return History(P(subject.Pid), db);
    }

    [Fact]
    public void Address_space_reserved_alone_is_not_a_leak()
    {
        // Not asked for its page: each request would grow the idle server's heap a little, and that is not the point here.
        var history = RecordGo("reserve", out _, metrics: false);
        var whole = history.GetProperty("owners")[0];
        Assert.NotEqual("steady growth", whole.GetProperty("shape").GetString());   // RSS stays within a little noise
        Assert.True(whole.GetProperty("lastVirtual").GetUInt64() - whole.GetProperty("firstVirtual").GetUInt64() >= 512UL << 20, "64 MiB reserved every 100 ms");
        Assert.Contains("address space reserved, not memory used; not a leak", whole.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        // Each owner that holds the reservations is told the same; none of them is a leak.
        // Signed: an owner may also shrink while another takes its range (a merged reservation split differently).
        var reserving = history.GetProperty("owners").EnumerateArray().Skip(1)
            .Where(o => (long)o.GetProperty("lastVirtual").GetUInt64() - (long)o.GetProperty("firstVirtual").GetUInt64() >= 512L << 20).ToList();
        Assert.NotEmpty(reserving);
        Assert.All(reserving, o => Assert.Contains("address space reserved, not memory used; not a leak", o.GetProperty("verdict").GetString(), StringComparison.Ordinal));
        // The runtime's page-allocator summaries are reserved once: the program's own reservations, all PROT_NONE and
        // of a similar size, are never taken for them (the owner's address space does not move while the program's grows).
        Assert.All(history.GetProperty("owners").EnumerateArray().Where(o => o.GetProperty("owner").GetString()!.StartsWith("Go page-allocator summaries", StringComparison.Ordinal)),
            o => Assert.Equal(o.GetProperty("firstVirtual").GetUInt64(), o.GetProperty("lastVirtual").GetUInt64()));
        Assert.Empty(history.GetProperty("runtime").EnumerateArray());
    }

    [Fact]
    public void A_collected_heaps_sawtooth_is_no_leak()
    {
        var history = RecordGo("sawtooth", out _);
        Assert.Equal("sawtooth", history.GetProperty("owners")[0].GetProperty("shape").GetString());
        Assert.Equal("sawtooth", Owner(history, "go", o => o == "Go heap arenas").GetProperty("shape").GetString());
        // What grows steadily beside it is small: the runtime's metadata for a second arena, a tenth of the 40 MiB cycle.
        Assert.All(history.GetProperty("owners").EnumerateArray().Where(o => o.GetProperty("shape").GetString() == "steady growth"),
            o => Assert.True((long)o.GetProperty("lastRss").GetUInt64() - (long)o.GetProperty("firstRss").GetUInt64() < 4L << 20, o.GetProperty("verdict").GetString()));
    }

    [Fact]
    public void Growth_the_runtime_does_not_count_is_told_apart_by_its_own_figures()
    {
        var history = RecordGo("mmapleak", out string db);
        var whole = history.GetProperty("owners")[0];
        Assert.Equal("steady growth", whole.GetProperty("shape").GetString());
        // The runtime's heap does not grow with it: the memory is the program's own mappings, which no MemStats field counts.
        var inuse = history.GetProperty("runtime").EnumerateArray().Single(f => f.GetProperty("owner").GetString() == "MemStats.HeapInuse");
        Assert.True(inuse.GetProperty("rssPerHour").GetDouble() < whole.GetProperty("rssPerHour").GetDouble() / 10);
        Assert.Contains("the growth is outside what the runtime counts", history.GetProperty("runtimeVerdict").GetString(), StringComparison.Ordinal);
        // And memlens does not call that memory the runtime's: it grows as unattributed memory. While the mappings are
        // few, the kernel merges them into the Go arena-index block, within what the runtime's metadata could be; past
        // that bound the block is no longer called the runtime's, so no Go owner takes a quarter of the growth.
        double pace = whole.GetProperty("rssPerHour").GetDouble();
        long growth = (long)whole.GetProperty("lastRss").GetUInt64() - (long)whole.GetProperty("firstRss").GetUInt64();
        Assert.Contains(history.GetProperty("owners").EnumerateArray(), o => o.GetProperty("kind").GetString() == "unattributed" && o.GetProperty("rssPerHour").GetDouble() > pace / 2);
        Assert.DoesNotContain(history.GetProperty("owners").EnumerateArray(), o => o.GetProperty("kind").GetString() == "go"
            && (long)o.GetProperty("lastRss").GetUInt64() - (long)o.GetProperty("firstRss").GetUInt64() > growth / 4);
        Assert.Contains("the runtime's own figures", MemlensCli.Run("history", "gohttp-pure", "--db", db).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_processes_are_recorded_each_under_its_name_and_listed()
    {
        using var grow = Subject.Start(SubjectBuilds.Grow);
        using var cgroup = MemoryCgroup.Create(1UL << 30);
        using var inside = cgroup.Start(SubjectBuilds.Threads, ["2"]);
        string db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        // By PSS: the leaking subject passes 16 MiB within a second and is then kept, with every process that large.
        var r = MemlensCli.Run("record", "--min-pss", "16M", "--db", db, "--interval", "500ms", "--count", "6", "--full-every", "1");
        Assert.True(r.ExitCode == 0, r.Error);
        var grown = History(P(grow.Pid), db);
        Assert.True(grown.GetProperty("samples").GetInt32() >= 4);
        Assert.Equal("steady growth", grown.GetProperty("owners")[0].GetProperty("shape").GetString());
        // By cgroup: the threads subject alone, under its own name.
        r = MemlensCli.Run("record", "--cgroup", cgroup.Directory, "--db", db, "--interval", "250ms", "--count", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("1 process(es) of the processes of cgroup", r.Out, StringComparison.Ordinal);
        Assert.Equal(3, History(P(inside.Pid), db).GetProperty("samples").GetInt32());
        // Without a target, history lists the programs the file holds.
        var index = JsonDocument.Parse(MemlensCli.Run("history", "--db", db, "--json").Out).RootElement;
        Assert.Equal("memlens.history-index/1", index.GetProperty("schema").GetString());
        var programs = index.GetProperty("programs").EnumerateArray().ToDictionary(p => p.GetProperty("program").GetString()!, p => p.GetProperty("samples").GetInt32());
        Assert.True(programs["grow"] >= 4);
        // At least the cgroup's three: the first record, by PSS, also keeps any other test's threads subject that large.
        Assert.True(programs["threads"] >= 3, $"threads: {programs["threads"]} samples");
        // One way of choosing at a time.
        MemlensCli.AssertOneLine(MemlensCli.Run("record", "1", "--min-pss", "1G", "--db", db), Memlens.Core.ExitCode.Usage, "give one of");
        MemlensCli.AssertOneLine(MemlensCli.Run("record", "--min-pss", "lots", "--db", db), Memlens.Core.ExitCode.Usage, "--min-pss lots");
    }

    [Fact]
    public void A_recorder_killed_outright_leaves_a_history_that_opens()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        var recorder = Process.Start(new ProcessStartInfo(Executable, ["record", P(subject.Pid), "--db", db, "--interval", "20ms", "--full-every", "2"])
        { RedirectStandardOutput = true, UseShellExecute = false })!;
        // Killed mid-run, after a few samples (a guard on a hung recorder, not a speed assertion).
        var lines = new List<string>();
        var waited = Stopwatch.StartNew();
        while (lines.Count < 5 && waited.Elapsed < TimeSpan.FromSeconds(60) && recorder.StandardOutput.ReadLine() is { } line) lines.Add(line);
        recorder.Kill();   // SIGKILL
        recorder.WaitForExit(10_000);
        recorder.Dispose();
        Assert.Equal(5, lines.Count);
        var history = History(P(subject.Pid), db);
        Assert.True(history.GetProperty("samples").GetInt32() >= 5);
        Assert.True(history.GetProperty("fullSamples").GetInt32() >= 2);
    }

    [Fact]
    public async Task A_restarted_program_continues_its_series_marked()
    {
        string name = $"grow{Guid.NewGuid():N}"[..14];
        string copy = Path.Combine(_temp.New("memlens-history-subject-"), name);
        File.Copy(SubjectBuilds.Threads, copy);
        string db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        var first = Subject.Start(copy);
        var recording = Task.Run(() => MemlensCli.Run("record", name, "--db", db, "--interval", "100ms", "--count", "12"));
        await Task.Delay(500);
        first.Dispose();
        using var second = Subject.Start(copy);
        var r = await recording;
        Assert.True(r.ExitCode == 0, r.Error);
        var processes = History(name, db).GetProperty("processes").EnumerateArray().ToList();
        Assert.Equal(2, processes.Count);
        Assert.False(processes[0].GetProperty("restart").GetBoolean());
        Assert.True(processes[1].GetProperty("restart").GetBoolean());
        Assert.Equal(second.Pid, processes[1].GetProperty("pid").GetInt32());
        var html = MemlensCli.Run("history", name, "--db", db, "--format", "html");
        Assert.Contains($"<title>pid {second.Pid} started (a restart)</title>", html.Out, StringComparison.Ordinal);
    }

    /// <summary>The shapes, on series built to have them: a step, a collector's sawtooth, and address space reserved alone.</summary>
    [Fact]
    public void Steps_sawtooths_and_reservations_are_told_apart_from_leaks()
    {
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        List<(DateTimeOffset, ulong, ulong)> Series(Func<int, ulong> rss, Func<int, ulong> vsz) =>
            Enumerable.Range(0, 12).Select(i => (t0.AddMinutes(10 * i), rss(i), vsz(i))).ToList();
        const ulong MiB = 1 << 20;
        var step = LeakVerdicts.Trend("native-heap", "arena", Series(i => i < 6 ? 100 * MiB : 180 * MiB, _ => 1024 * MiB));
        Assert.Equal("step", step.Shape);
        var saw = LeakVerdicts.Trend("go", "heap", Series(i => (ulong)(100 + (i % 3 * 40)) * MiB, _ => 1024 * MiB));
        Assert.Equal("sawtooth", saw.Shape);
        var reserved = LeakVerdicts.Trend("go", "heap", Series(_ => 100 * MiB, i => (ulong)(1 + i) * 1024 * MiB));
        Assert.Equal("flat", reserved.Shape);
        Assert.Contains("address space reserved, not memory used; not a leak", reserved.Verdict, StringComparison.Ordinal);
        var leak = LeakVerdicts.Trend("native-heap", "arena", Series(i => (ulong)(100 + (2 * i)) * MiB, _ => 1024 * MiB));
        Assert.Equal("steady growth", leak.Shape);
        Assert.Contains("RSS +12 MiB/h for 1.8 h, steady (R² 1.00)", leak.Verdict, StringComparison.Ordinal);
        // A runtime's own parts are spoken of in its terms.
        var metaspace = LeakVerdicts.Trend("jvm", "Java metaspace", Series(i => (ulong)(40 + (2 * i)) * MiB, _ => 1024 * MiB));
        Assert.Contains("a class loader is kept alive (jcmd PID VM.classloader_stats", metaspace.Verdict, StringComparison.Ordinal);
        var gcHeap = LeakVerdicts.Trend("dotnet", ".NET GC heap (regions range and bookkeeping)", Series(i => (ulong)(40 + (2 * i)) * MiB, _ => 1024 * MiB));
        Assert.Contains("dotnet-gcdump", gcHeap.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_history_is_named()
    {
        string dir = _temp.New("memlens-history-");
        MemlensCli.AssertOneLine(MemlensCli.Run("history", "x", "--db", Path.Combine(dir, "none.db")), Memlens.Core.ExitCode.BadInput, "no such history");
        string junk = Path.Combine(dir, "junk.db");
        File.WriteAllText(junk, "this is not sqlite");
        MemlensCli.AssertOneLine(MemlensCli.Run("history", "x", "--db", junk), Memlens.Core.ExitCode.BadInput, "not a memlens history");
    }

    [Fact]
    public void Old_samples_are_thinned_then_dropped()
    {
        string db = Path.Combine(_temp.New("memlens-history-"), "h.db");
        var now = DateTimeOffset.UtcNow;
        using (var store = HistoryStore.Open(db, create: true))
        {
            // Ten minutes of samples every 10 s at each age: this hour, three days ago, ten days ago, forty days ago.
            foreach (var age in new[] { TimeSpan.Zero, TimeSpan.FromDays(3), TimeSpan.FromDays(10), TimeSpan.FromDays(40) })
                for (int i = 0; i < 60; i++)
                {
                    var at = now - age - TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(10 * i);
                    store.Add(4242, 7, "thinned", null, at, 1 << 30, 1 << 20, 1 << 20, 0, i % 6 == 0 ? [new Memlens.Core.Machine.GroupOwner("native-heap", "arena", Memlens.Core.Model.Figures.Zero)] : null);
                }
            store.Thin(now, TimeSpan.FromDays(30));
        }
        var history = History("thinned", db);
        // This hour: all 60 (10 full). Three days ago: the first rollup-only and the first full sample of each minute
        // (the full ones are a minute apart, so all 10 stay; the rollup-only ones touch 10 or 11 minutes). Ten days
        // ago: the first of each kind in each hour the ten minutes touch (one or two). Forty days ago: none.
        Assert.InRange(history.GetProperty("samples").GetInt32(), 60 + 20 + 2, 60 + 21 + 4);
        Assert.InRange(history.GetProperty("fullSamples").GetInt32(), 10 + 10 + 1, 10 + 10 + 2);
        Assert.True(history.GetProperty("from").GetDateTimeOffset() > now - TimeSpan.FromDays(11));
    }
}
