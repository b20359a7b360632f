using System.Globalization;
using Memlens.Core.Strace;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>strace -f logs the suite records itself, replayed and lined up with the live process.</summary>
public class StraceLiveTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private (Subject Strace, int Child, string Log) Record(string exe, params string[] flags)
    {
        string log = Path.Combine(_temp.New("memlens-strace-"), "trace.log");
        var strace = Subject.Start("strace", ["-f", .. flags, "-o", log, "--", exe], null);
        int child = int.Parse(File.ReadAllText($"/proc/{strace.Pid}/task/{strace.Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        // The subject's "ready" reached us, but strace may not have written every earlier line yet: wait for the log
        // to hold the write of "ready" itself (a guard against a hung strace, not a speed assertion).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.ReadAllText(log).Contains("\"ready", StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
        return (strace, child, log);
    }

    [Fact]
    public void C_threads_arenas_and_stacks_line_up_with_the_live_process()
    {
        var (strace, child, log) = Record(SubjectBuilds.Threads, "-tt", "-T", "-y");
        using (strace)
        {
            var live = Memlens.Core.Sources.LiveProcess.Load(child);
            var report = StraceReportBuilder.Build(StraceAnalysis.Run(log), child, live);
            var p = report.Processes.Single();
            Assert.Equal(SubjectBuilds.Threads, p.Exe);
            var arenas = p.Owners.Where(o => o.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, arenas.Count);
            Assert.All(arenas, a => Assert.Equal(64UL << 20, a.Virtual));
            var workers = live.Threads.Where(t => t.Tid != child).Select(t => t.Tid).Order().ToList();
            Assert.Equal(workers, p.Owners.Where(o => o.Kind == "stack").Select(o => int.Parse(o.Owner.Split(' ')[1], CultureInfo.InvariantCulture)).Order());
            Assert.All(p.Threads.Where(t => t.Tid != child), t => Assert.NotNull(t.StackPointer));
            // Every arena and stack range of the replay is a range of the live maps, exactly. (Not every mapping: the
            // replay keeps mmaps apart where the kernel merged adjacent ones into one VMA.)
            var liveRanges = live.Regions.Select(r => $"{r.Start:x}-{r.End:x}").ToHashSet();
            Assert.All(p.Regions.Where(r => (r.Kind == "stack" || r.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal)) && r.Path.Length == 0),
                r => Assert.Contains($"{r.Start}-{r.End}", liveRanges));
            Assert.True(p.Comparison!.Matched * 10 >= p.Regions.Count * 7, $"{p.Comparison.Matched} of {p.Regions.Count} ranges match");
            Assert.Contains(p.Regions, r => r.Path.EndsWith("libc.so.6", StringComparison.Ordinal) && r.Kind == "image" && r.Detail == "text");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Go_server_replay_labels_the_runtime_reservations(bool cgo)
    {
        var (strace, child, log) = Record(cgo ? SubjectBuilds.GoHttpCgo : SubjectBuilds.GoHttpPure);
        using (strace)
        {
            var report = StraceReportBuilder.Build(StraceAnalysis.Run(log), child);
            var p = report.Processes.Single();
            Assert.Contains(p.Regions, r => r.Owner == "Go heap arenas" && r.Start == "c000000000");
            Assert.Contains(p.Owners, o => o.Owner == "Go page-allocator summaries and scavenger index" && o.Virtual >= 585UL << 20);
            Assert.Equal(cgo, p.Owners.Any(o => o.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal)));
            Assert.Equal(cgo, p.Owners.Any(o => o.Kind == "stack"));
            Assert.DoesNotContain(report.Problems, x => x.Contains("garbage", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void At_a_line_the_state_is_the_state_then_and_the_timeline_is_printed()
    {
        var (strace, child, log) = Record(SubjectBuilds.Threads);
        using (strace)
        {
            int firstClone = File.ReadLines(log).Select((l, i) => (l, i)).First(x => x.l.Contains("clone3(", StringComparison.Ordinal)).i + 1;
            var early = StraceReportBuilder.Build(StraceAnalysis.Run(log, firstClone.ToString(CultureInfo.InvariantCulture)), child).Processes.Single();
            Assert.DoesNotContain(early.Owners, o => o.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal));
            var r = MemlensCli.Run("strace", log, "--timeline", "--pid", child.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("TIMELINE:", r.Out);
            Assert.Contains(" mmap +134217728 ", r.Out);   // each arena's 128 MiB reservation
            Assert.Contains(" munmap -", r.Out);
            var json = MemlensCli.Run("strace", log, "--json");
            using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
            Assert.Equal("memlens.strace/1", doc.RootElement.GetProperty("schema").GetString());
            var region = doc.RootElement.GetProperty("processes")[0].GetProperty("regions")[0];
            foreach (var name in new[] { "start", "end", "perms", "path", "kind", "owner", "evidence", "created" })
                Assert.True(region.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void Unreadable_logs_are_one_line()
    {
        string dir = _temp.New("memlens-badlog-");
        File.WriteAllText(Path.Combine(dir, "x.log"), "hello\nworld\n");
        var r = MemlensCli.Run("strace", Path.Combine(dir, "x.log"));
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("no line of it is strace output", r.Error);
        Assert.Equal(6, MemlensCli.Run("strace", Path.Combine(dir, "missing.log")).ExitCode);
        Assert.Equal(2, MemlensCli.Run("strace", Path.Combine(dir, "x.log"), "--at", "noon").ExitCode);
    }
}
