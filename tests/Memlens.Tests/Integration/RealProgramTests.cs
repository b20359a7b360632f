using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Runtimes.Jemalloc;
using Memlens.Core.Runtimes.Jvm;
using Memlens.Core.Runtimes.Python;
using Memlens.Core.Runtimes.V8;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// Programs people run, from the distribution's packages (.ci/run installs them), started live: every byte owned (at
/// most 1% of VSZ and 2% of RSS unattributed), the owners lined up with the program's own figures, and the same
/// process as a plain copy of its /proc files (no manifest, no binary, no task/) owned the same way (at most 5% of RSS
/// unattributed, no owner the live run contradicts).
/// </summary>
public sealed partial class RealProgramTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static ProcessAnalysis Live(int pid) => Analyzer.Analyze(LiveProcess.Load(pid));

    private static Figures Of(ProcessAnalysis a, Func<Owner, bool> which) =>
        Figures.Sum(a.Breakdown.AllOwners.Where(o => which(o.Owner)).Select(o => o.Figures));

    private static void AssertOwned(ProcessAnalysis a, double vszPct, double rssPct)
    {
        var t = a.Breakdown.Total;
        var u = a.Breakdown.Kind(Kinds.Unattributed)?.Figures ?? Figures.Zero;
        Assert.True(u.Virtual * 100.0 <= vszPct * t.Virtual, $"unattributed VSZ {u.Virtual:N0} of {t.Virtual:N0}: " + Unowned(a));
        Assert.True((u.Rss ?? 0) * 100.0 <= rssPct * (t.Rss ?? 0), $"unattributed RSS {u.Rss:N0} of {t.Rss:N0}: " + Unowned(a));
    }

    private static string Unowned(ProcessAnalysis a) => string.Join("; ", a.Regions.Where(r => r.Attribution!.Kind == Kinds.Unattributed)
        .OrderByDescending(r => r.Size).Take(8).Select(r => $"{r} {r.Figures.Rss:N0}"));

    /// <summary>The plain copy: at most 5% of RSS unattributed, and every owner it names is the live one (a stack may stay unnamed).</summary>
    private void AssertPlainCopyAgrees(RealProgram program, ProcessAnalysis live)
    {
        var copy = Analyzer.Analyze(SnapshotSource.Load(program.PlainCopy(_temp.New("memlens-plain-"))));
        AssertOwned(copy, 100, 5);
        // Without task/, no stack is said to belong to no live thread.
        Assert.DoesNotContain(copy.Findings, f => f.Title == "Stacks with no live thread");
        var liveOwners = live.Regions.ToDictionary(r => (r.Start, r.End), r => r.Attribution!.Owner);
        foreach (var r in copy.Regions.Where(r => r.Attribution!.Kind != Kinds.Unattributed))
        {
            if (!liveOwners.TryGetValue((r.Start, r.End), out var owner)) continue;   // the process moved between the reads
            if (owner.Kind == Kinds.Unattributed) continue;
            // An owner that names its candidates ("arenas or malloc'd blocks") agrees when the live one is one of them.
            if (r.Attribution!.Owner is IUndecidedOwner undecided) { Assert.True(undecided.Admits(owner), $"{r}: {r.Attribution.Owner} in the copy, {owner} live"); continue; }
            Assert.True(owner.Kind == r.Attribution!.Kind, $"{r}: {r.Attribution.Owner} in the copy, {owner} live");
            if (owner.Kind != Kinds.Stack) Assert.Equal(owner.Label, r.Attribution.Owner.Label);
        }
    }

    [Fact]
    public void Redis_with_jemalloc_lines_up_with_malloc_stats()
    {
        int port = 20000 + (Environment.ProcessId % 10000);
        using var redis = RealProgram.Start("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            p => RealProgram.Run("redis-cli", "-p", port.ToString(CultureInfo.InvariantCulture), "ping").Contains("PONG", StringComparison.Ordinal) ? p.Id : null,
            () => RealProgram.Run("redis-cli", "-p", port.ToString(CultureInfo.InvariantCulture), "shutdown", "nosave"));
        string cli = port.ToString(CultureInfo.InvariantCulture);
        RealProgram.Run("redis-cli", "-p", cli, "eval", "for i=1,100000 do redis.call('set','key:'..i,string.rep('v',100)) end return 1", "0");
        var live = Live(redis.Pid);
        string stats = RealProgram.Run("redis-cli", "-p", cli, "memory", "malloc-stats");
        var m = MallocStats().Match(stats);
        Assert.True(m.Success, stats[..Math.Min(400, stats.Length)]);
        ulong mappedPlusRetained = ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var jemalloc = Of(live, o => o is JemallocExtents);
        Assert.InRange((long)jemalloc.Virtual - (long)mappedPlusRetained, -(4L << 20), 4L << 20);
        Assert.True(jemalloc.Rss > 8UL << 20, "100,000 keys are resident in jemalloc's extents");
        // jemalloc's memory is explained once, by its own finding with its own knobs, not again as "malloc: try valgrind".
        Assert.Contains(live.Findings, f => f.Title == "jemalloc" && f.Text.Contains("MALLOC_CONF", StringComparison.Ordinal));
        Assert.DoesNotContain(live.Findings, f => f.Title == "Native heap (malloc)" && f.Text.Contains("jemalloc", StringComparison.Ordinal));
        AssertOwned(live, 1, 2);
        AssertPlainCopyAgrees(redis, live);
    }

    [GeneratedRegex(@"mapped: (\d+), retained: (\d+)")]
    private static partial Regex MallocStats();

    private static readonly Lazy<string> JavaClasses = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("memlens-java-").FullName;   // built once per run, like the subjects
        File.WriteAllText(Path.Combine(dir, "Main.java"), """
            import java.util.*;
            public class Main {
                public static void main(String[] a) throws Exception {
                    List<byte[]> l = new ArrayList<>();
                    for (int i = 0; i < 3000; i++) l.add(new byte[10000]);
                    System.out.println("ready");
                    Thread.sleep(3600000);
                    System.out.println(l.size());
                }
            }
            """);
        RealProgram.Run("javac", "-d", dir, Path.Combine(dir, "Main.java"));
        return dir;
    });

    private static ulong Nmt(string summary, string category)
    {
        var m = Regex.Match(summary, $@"-\s+{Regex.Escape(category)} \(reserved=(\d+)KB");
        Assert.True(m.Success, $"NMT has no {category}: {summary[..Math.Min(600, summary.Length)]}");
        return ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The mapped (not malloc'd) part of an NMT category: its "(mmap: reserved=…KB" line.</summary>
    private static ulong NmtMapped(string summary, string category)
    {
        var m = Regex.Match(summary, $@"-\s+{Regex.Escape(category)} \(reserved=[^\n]*\n(?:\s+\([^\n]*\n)*?\s+\(mmap: reserved=(\d+)KB");
        Assert.True(m.Success, $"NMT has no mapped {category}");
        return ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
    }

    [Theory]
    [InlineData("G1, no -Xmx", new string[] { })]
    [InlineData("Parallel, -Xmx256m", new[] { "-Xmx256m", "-XX:+UseParallelGC" })]
    [InlineData("Serial", new[] { "-XX:+UseSerialGC" })]
    [InlineData("G1, no perf-data file: the default heap for this machine's RAM", new[] { "-XX:-UsePerfData" })]
    public void Jvm_lines_up_with_native_memory_tracking(string name, string[] options)
    {
        using var java = RealProgram.Start("java", [.. options, "-XX:NativeMemoryTracking=summary", "-cp", JavaClasses.Value, "Main"], RealProgram.ReadyLine());
        var live = Live(java.Pid);
        // Read-only by default: `memlens jvm` does not attach, so the JVM has not opened its attach socket.
        string pid = java.Pid.ToString(CultureInfo.InvariantCulture);
        string attachSocket = $"/proc/{pid}/root/tmp/.java_pid{pid}";
        int plain = MemlensCli.Run("jvm", pid).ExitCode;
        Assert.False(File.Exists(attachSocket), "memlens jvm without --runtime made the JVM open its attach socket");
        Assert.Equal(options.Contains("-XX:-UsePerfData") ? 6 : 0, plain);
        string nmt = RealProgram.Run("jcmd", java.Pid.ToString(CultureInfo.InvariantCulture), "VM.native_memory", "summary");
        Assert.Equal(Nmt(nmt, "Java Heap"), Of(live, o => o == JvmOwner.Heap).Virtual);
        // NMT's Code adds a few small reservations (stubs) to the code cache.
        ulong code = Of(live, o => o == JvmOwner.CodeCache).Virtual;
        Assert.InRange(Nmt(nmt, "Code"), code, code + (8UL << 20));
        // NMT's Class is the compressed class space and the metaspace nodes.
        ulong klass = Of(live, o => o == JvmOwner.ClassSpace || o == JvmOwner.Metaspace).Virtual;
        Assert.InRange((long)Nmt(nmt, "Class") - (long)klass, -(64L << 20), 64L << 20);
        // NMT's mapped GC memory is the collector's side tables (and G1's mark stack): sized from the heap, found by shape.
        ulong gc = Of(live, o => o == JvmOwner.GcData).Virtual;
        Assert.InRange((double)gc, NmtMapped(nmt, "GC") * 0.9, NmtMapped(nmt, "GC") * 1.1 + (1 << 20));
        Assert.True(live.Runtimes.ContainsKey("jvm"), name);
        AssertOwned(live, 1, 2);
        if (options.Contains("-XX:-UsePerfData"))
        {
            Assert.Contains(live.Regions, r => r.Attribution!.Owner == JvmOwner.Heap && r.Attribution.Evidence.Contains("HotSpot's default for", StringComparison.Ordinal));
            Assert.Null(live.Jvm);
            MemlensCli.AssertOneLine(MemlensCli.Run("jvm", java.Pid.ToString(CultureInfo.InvariantCulture)), Memlens.Core.ExitCode.BadInput, "-XX:-UsePerfData");
        }
        else
        {
            // The JVM's own counters beside the kernel's: the heap's reservation and committed bytes are the mappings'.
            var jvm = Assert.IsType<JvmRuntimeSection>(live.Jvm);
            Assert.Contains(jvm.Identities, c => c.Name.StartsWith("Java heap committed", StringComparison.Ordinal));
            Assert.All(jvm.Identities, c => Assert.True(c.Holds, $"{c.Name}: {c.Explanation}"));
            Assert.Contains(jvm.Spaces, x => x.Name.StartsWith("heap: old", StringComparison.Ordinal) && x.Committed > 0);
            Assert.Empty(jvm.NativeMemory);
            // A snapshot saves the perf-data file (and, with --runtime, NMT's summary), so the section is the same offline.
            string snap = Path.Combine(_temp.New("memlens-jvm-"), "snap");
            Assert.Equal(0, MemlensCli.Run("capture", pid, "-o", snap, "--runtime").ExitCode);
            foreach (var result in new[] { MemlensCli.Run("jvm", pid, "--runtime", "--json"), MemlensCli.Run("jvm", snap, "--json") })
            {
                Assert.Equal(0, result.ExitCode);
                var json = JsonDocument.Parse(result.Out).RootElement;
                Assert.Equal(jvm.Collector, json.GetProperty("collector").GetString());
                Assert.All(json.GetProperty("identities").EnumerateArray(), c => Assert.True(c.GetProperty("holds").GetBoolean(), c.GetProperty("name").GetString()));
                // NMT's categories beside memlens's owners: the heap's reservation is the same bytes in both.
                var heapRow = json.GetProperty("nativeMemory").EnumerateArray().Single(r => r.GetProperty("category").GetString() == "Java Heap");
                Assert.Equal(heapRow.GetProperty("nmtReserved").GetUInt64(), heapRow.GetProperty("virtual").GetUInt64());
                Assert.Contains(json.GetProperty("identities").EnumerateArray(), c => c.GetProperty("name").GetString()!.StartsWith("Java Heap reserved (NMT)", StringComparison.Ordinal));
            }
        }
        Assert.Contains(live.Findings, f => f.Title == "Thread stacks" && f.Text.Contains("-Xss", StringComparison.Ordinal));
        Assert.Equal(!options.Contains("-Xmx256m"), live.Findings.Any(f => f.Title == "Java heap sized by HotSpot's default"));
        Assert.DoesNotContain(live.Findings, f => f.Title == "JVM code cache at its reservation");   // 240 MiB reserved, a few MiB committed
        AssertPlainCopyAgrees(java, live);
    }

    [Fact]
    public void A_jvm_code_cache_that_cannot_grow_is_named_in_hotspots_terms()
    {
        // Committed whole from the start: the code cache cannot grow, so what is compiled must fit in 16 MiB.
        using var java = RealProgram.Start("java", ["-XX:InitialCodeCacheSize=16m", "-XX:ReservedCodeCacheSize=16m", "-cp", JavaClasses.Value, "Main"], RealProgram.ReadyLine());
        var live = Live(java.Pid);
        Assert.Equal(16UL << 20, Of(live, o => o == JvmOwner.CodeCache).Virtual);
        var finding = Assert.Single(live.Findings, f => f.Title == "JVM code cache at its reservation");
        Assert.Equal(16UL << 20, finding.Bytes);
        Assert.Contains("(-XX:ReservedCodeCacheSize)", finding.Text, StringComparison.Ordinal);
        Assert.Contains("CodeCache is full. Compiler has been disabled.", finding.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_lines_up_with_the_v8_heap_statistics()
    {
        const string script = """
            const v8 = require('v8');
            const keep = []; for (let i = 0; i < 200000; i++) keep.push({ i, s: 'x' + i });
            const big = Buffer.alloc(32 << 20, 1);
            global.gc && gc();
            console.log('ready ' + JSON.stringify({ heapTotal: process.memoryUsage().heapTotal, spaces: v8.getHeapSpaceStatistics() }));
            setInterval(() => keep.length + big.length, 100000);
            """;
        string? line = null;
        using var node = RealProgram.Start("node", ["-e", script], p =>
        {
            line ??= p.StandardOutput.ReadLine();
            return line?.StartsWith("ready", StringComparison.Ordinal) == true ? p.Id : null;
        });
        var live = Live(node.Pid);
        var stats = JsonDocument.Parse(line!["ready ".Length..]).RootElement;
        ulong heapTotal = stats.GetProperty("heapTotal").GetUInt64();
        // heapTotal is V8's spaces' sizes: its pages and large objects, plus the read-only space (part of the binary).
        ulong pages = Of(live, o => o == V8Owner.HeapPages || o == V8Owner.LargeObjects).Committed;
        Assert.InRange((double)pages, heapTotal * 0.8, heapTotal * 1.2 + (4 << 20));
        Assert.Equal(512UL << 20, Of(live, o => o == V8Owner.CodeRange).Virtual + live.Regions.Where(r => r.Map.FileBacked && r.Map.Executable
            && r.Start >= live.Regions.Where(x => x.Attribution!.Owner == V8Owner.CodeRange).Min(x => x.Start)
            && r.End <= live.Regions.Where(x => x.Attribution!.Owner == V8Owner.CodeRange).Max(x => x.End)).Aggregate(0UL, (a, r) => a + r.Size));
        Assert.DoesNotContain(live.Regions, r => r.Map.Executable && r.Attribution!.Kind == Kinds.Stack);
        AssertOwned(live, 1, 2);
        // The 32 MiB Buffer is malloc'd: in a copy without memory it is proved by its size (32 MiB + a header page)
        // unless the kernel merged it with a neighbouring mapping, and then it stays unattributed rather than guessed.
        AssertPlainCopyAgrees(node, live);
    }

    [Fact]
    public void Python_lines_up_with_its_arena_count()
    {
        string stats = Path.Combine(_temp.New("memlens-py-"), "stats");
        const string script = """
            import os, sys, time
            keep = [str(i) * 3 for i in range(300000)]
            fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT); os.dup2(fd, 2)
            sys._debugmallocstats()
            print("ready", flush=True)
            time.sleep(3600)
            """;
        using var python = RealProgram.Start("python3", ["-c", script, stats], RealProgram.ReadyLine());
        var live = Live(python.Pid);
        var m = Regex.Match(File.ReadAllText(stats), @"# arenas allocated current\s*=\s*(\d+)");
        Assert.True(m.Success);
        int arenas = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var version = RealProgram.Run("python3", "-c", "import sys; print(sys.version_info[1])").Trim();
        ulong arena = int.Parse(version, CultureInfo.InvariantCulture) >= 10 ? 1UL << 20 : 256UL << 10;
        ulong owned = Of(live, o => o is PymallocArenas).Virtual;
        Assert.InRange((double)owned / arena, arenas - 2, arenas + 2);
        AssertOwned(live, 1.5, 2);
        // Without the process's memory, arenas the kernel merged with a malloc'd block, and large malloc'd blocks, look
        // alike: the copy names both candidates rather than guessing one.
        AssertPlainCopyAgrees(python, live);
    }

    [Fact]
    public void Postgres_shared_memory_is_named_and_lines_up_with_its_allocations()
    {
        string bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).Max()!;
        string dir = _temp.New("memlens-pg-");
        string data = Path.Combine(dir, "data");
        RealProgram.Run("chown", "postgres", dir);
        RealProgram.Run("su", "postgres", "-s", "/bin/sh", "-c", $"'{bin}/initdb' -D '{data}' -A trust");
        int port = 30000 + (Environment.ProcessId % 10000);
        string pidFile = Path.Combine(data, "postmaster.pid");
        using var pg = RealProgram.Start("su", ["postgres", "-s", "/bin/sh", "-c", $"exec '{bin}/postgres' -D '{data}' -p {port} -k '{dir}' -c listen_addresses="],
            _ => File.Exists(pidFile) && File.ReadAllLines(pidFile) is { Length: > 7 } lines && lines[7].Trim() == "ready" ? int.Parse(lines[0], CultureInfo.InvariantCulture) : null,
            () => RealProgram.Run("su", "postgres", "-s", "/bin/sh", "-c", $"'{bin}/pg_ctl' -D '{data}' stop -m fast"));
        var live = Live(pg.Pid);
        string sum = RealProgram.Run("su", "postgres", "-s", "/bin/sh", "-c", $"psql -h '{dir}' -p {port} -d postgres -Atc 'select sum(allocated_size) from pg_shmem_allocations'");
        ulong allocated = ulong.Parse(sum.Trim(), CultureInfo.InvariantCulture);
        var main = Of(live, o => o.Label.StartsWith("PostgreSQL main shared memory", StringComparison.Ordinal));
        Assert.InRange(allocated, main.Virtual * 8 / 10, main.Virtual);
        Assert.Contains(live.Findings, f => f.Title == "Shared memory" && f.Text.Contains("USS", StringComparison.Ordinal));
        AssertOwned(live, 1, 2);
        AssertPlainCopyAgrees(pg, live);
    }

    private static string Fetch(HttpClient http, string url) => http.GetStringAsync(new Uri(url)).GetAwaiter().GetResult();

    [Fact]
    public async Task Prometheus_a_cgo_go_server_lines_up_with_its_own_memstats()
    {
        string dir = _temp.New("memlens-prom-");
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        int port = 40000 + (Environment.ProcessId % 10000);
        string url = $"http://127.0.0.1:{port}/metrics";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var prometheus = RealProgram.Start("prometheus", [$"--config.file={dir}/prometheus.yml", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={dir}/data"],
            p =>
            {
                try { return Fetch(http, url).Contains("go_memstats_sys_bytes", StringComparison.Ordinal) ? p.Id : null; }
                catch (HttpRequestException) { return null; }
                catch (TaskCanceledException) { return null; }
            });
        string page = await http.GetStringAsync(new Uri(url));
        var live = Analyzer.Analyze(LiveProcess.Load(prometheus.Pid), [(url, page)]);
        Assert.True(live.Runtimes.ContainsKey("go") && live.Runtimes.ContainsKey("glibc"));
        Assert.StartsWith("enabled", live.Go!.Cgo, StringComparison.Ordinal);
        Assert.All(live.Go.Identities, c => Assert.True(c.Holds, c.Name));
        Assert.DoesNotContain(live.Findings, f => f.Title == "Stacks with no live thread");
        AssertOwned(live, 1, 2);
        AssertPlainCopyAgrees(prometheus, live);
    }
}
