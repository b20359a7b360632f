using Memlens.Core.Analysis;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Core;

/// <summary>The classifier on snapshots captured from real processes (tests/fixtures/README.md).</summary>
public class ClassifierFixtureTests
{
    private static ProcessAnalysis Load(string fixture) => Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir(fixture)));

    private static IEnumerable<Region> Owned(ProcessAnalysis s, Owner owner) => s.Regions.Where(r => r.Attribution!.Owner == owner);

    [Fact]
    public void A_snapshot_analysed_again_or_at_once_is_owned_the_same_way_each_time()
    {
        var snapshot = SnapshotSource.Load(Fixtures.Dir("c-threads"));
        var relabelled = snapshot with { Source = "another label" };   // shares the regions
        var first = Analyzer.Analyze(snapshot);
        Assert.Same(snapshot.Regions, first.Regions);   // the first analysis owns them: nothing copied
        var again = new ProcessAnalysis[4];
        Parallel.For(0, again.Length, i => again[i] = Analyzer.Analyze(i % 2 == 0 ? snapshot : relabelled));
        foreach (var a in again)
        {
            Assert.NotSame(snapshot.Regions, a.Regions);
            Assert.Equal(first.Regions.Select(r => (r.Start, r.Attribution!.Owner, r.Attribution.Detail)), a.Regions.Select(r => (r.Start, r.Attribution!.Owner, r.Attribution.Detail)));
            Assert.Equal(first.Breakdown.Total, a.Breakdown.Total);
        }
    }

    [Fact]
    public void Jvm_g1_owned_and_its_own_counters_and_nmt_line_up_offline()
    {
        var a = Load("jvm-g1");
        var unowned = a.Breakdown.Kind(Kinds.Unattributed)?.Figures ?? Figures.Zero;
        Assert.True((unowned.Rss ?? 0) * 50 <= a.Breakdown.Total.Rss, $"unattributed RSS {unowned.Rss:N0}");
        var jvm = Assert.IsType<Memlens.Core.Runtimes.Jvm.JvmRuntimeSection>(a.Jvm);
        Assert.Equal("GarbageFirst", jvm.Collector);
        Assert.Equal(["heap: young generation", "heap: old generation"], jvm.Spaces.Take(2).Select(x => x.Name));
        Assert.All(jvm.Identities, c => Assert.True(c.Holds, $"{c.Name}: {c.Explanation}"));
        Assert.Contains(jvm.Identities, c => c.Name.StartsWith("Java Heap reserved (NMT)", StringComparison.Ordinal));
        // The captured NMT summary, category by category, beside the owners: Java Heap and the CDS archive exactly.
        Assert.Equal(["Java Heap", "Class", "Metaspace", "Code", "GC", "Thread", "Shared class space"], jvm.NativeMemory.Select(r => r.Category));
        Assert.All(jvm.NativeMemory.Where(r => r.Category is "Java Heap" or "Shared class space"), r => Assert.Equal(r.NmtReserved, r.Virtual));
        // Started without -Xmx: the heap may grow to a quarter of the machine's RAM, and a finding says which knob bounds it.
        Assert.Contains(a.Findings, f => f.Title == "Java heap sized by HotSpot's default" && f.Text.Contains("-XX:MaxRAMPercentage", StringComparison.Ordinal));
        Assert.DoesNotContain(a.Findings, f => f.Title == "Java heap resident far above what it holds");
        var gc = jvm.NativeMemory.Single(r => r.Category == "GC");
        Assert.InRange((double)gc.Virtual!.Value, gc.NmtMappedReserved!.Value * 0.9, gc.NmtMappedReserved.Value * 1.1);
    }

    [Fact]
    public void C_threads_every_thread_stack_with_its_tid_and_guard()
    {
        var s = Load("c-threads");
        var workers = s.Snapshot.Threads.Where(t => t.Tid != s.Snapshot.Pid).ToList();
        Assert.Equal(4, workers.Count);
        foreach (var t in workers)
        {
            var regions = s.Regions.Where(r => r.Attribution!.Owner == new ThreadStackOwner(t.Tid, t.Name, false)).ToList();
            Assert.Equal(["guard", "stack"], regions.Select(r => r.Attribution!.Detail));
            Assert.Equal(8UL << 20, regions[1].Size);
            Assert.Equal(4096UL, regions[0].Size);
            Assert.True(regions[1].Contains(t.Syscall!.StackPointer!.Value));
        }
        var main = Assert.Single(s.Regions, r => r.Map.Path == "[stack]");
        Assert.Equal($"thread {s.Snapshot.Pid} (threads, main)", main.Attribution!.Owner.Label);
    }

    [Fact]
    public void C_threads_four_glibc_arenas_confirmed_by_heap_info()
    {
        var s = Load("c-threads");
        var arenas = s.Regions.Where(r => r.Attribution!.Owner is GlibcArena).GroupBy(r => r.Attribution!.Owner).ToList();
        Assert.Equal(4, arenas.Count);
        foreach (var a in arenas)
        {
            Assert.Equal(64UL << 20, (ulong)a.Sum(r => (decimal)r.Size));
            Assert.Equal(["heap (committed)", "heap (reserved tail)"], a.Select(r => r.Attribution!.Detail));
            Assert.Contains("heap_info confirms it", a.First().Attribution!.Evidence);
            Assert.Equal(0UL, a.First().Start % (64UL << 20));
        }
    }

    [Fact]
    public void C_threads_large_mallocs_are_found_by_their_chunk_headers()
    {
        var s = Load("c-threads");
        var chunks = Assert.Single(Owned(s, GlibcMmappedChunks.Instance));
        Assert.Contains("2 malloc chunk header(s) with IS_MMAPPED", chunks.Attribution!.Evidence);
        Assert.True(chunks.Size >= (4UL << 20) + (200UL << 10));
    }

    [Fact]
    public void C_threads_images_split_by_segment_with_bss()
    {
        var s = Load("c-threads");
        var libc = s.Regions.Where(r => r.Attribution!.Owner.Label.EndsWith("/libc.so.6", StringComparison.Ordinal)).Select(r => r.Attribution!.Detail).ToList();
        Assert.Equal(["rodata", "text", "rodata", "relro", "data", "bss"], libc);
        var exe = s.Regions.Where(r => r.Attribution!.Owner == new FileOwner(Kinds.Image, "/tmp/threads")).Select(r => r.Attribution!.Detail).ToList();
        Assert.Equal(["rodata", "text", "rodata", "relro", "data"], exe);
    }

    [Fact]
    public void C_threads_unattributed_is_under_one_percent_of_vsz()
    {
        var s = Load("c-threads");
        var b = Breakdown.Of(s.Regions);
        ulong unattributed = b.Kind(Kinds.Unattributed)?.Figures.Virtual ?? 0;
        Assert.True(unattributed * 100 < b.Total.Virtual, $"{unattributed} of {b.Total.Virtual} unattributed");
    }

    [Fact]
    public void Go_cgo_arena_reservations_and_pthread_stacks()
    {
        var s = Load("go-cgo-http");
        var arena = Owned(s, GoRuntimeOwner.HeapArenas).ToList();
        Assert.Equal(0xc000000000UL, arena[0].Start);
        Assert.Equal(64UL << 20, (ulong)arena.Sum(r => (decimal)r.Size));
        var summaries = Owned(s, GoRuntimeOwner.Summaries).ToList();
        ulong summaryBytes = (ulong)summaries.Sum(r => (decimal)r.Size);
        Assert.InRange(summaryBytes, GoLayoutRule.SummaryBytes, GoLayoutRule.MaxSummaryRunBytes);
        Assert.True((ulong)Owned(s, GoRuntimeOwner.ArenaIndex).Sum(r => (decimal)r.Size) >= GoLayoutRule.ArenaIndexBytes);
        // cgo: every thread runs on a pthread stack of its own, found by its stack pointer.
        foreach (var t in s.Snapshot.Threads.Where(t => t.Tid != s.Snapshot.Pid))
            Assert.Contains(s.Regions, r => r.Attribution!.Owner == new ThreadStackOwner(t.Tid, t.Name, false) && r.Attribution.Detail == "stack");
        Assert.Equal(4, s.Regions.Where(r => r.Attribution!.Owner is GlibcArena).Select(r => r.Attribution!.Owner).Distinct().Count());
        var b = Breakdown.Of(s.Regions);
        Assert.True((b.Kind(Kinds.Unattributed)?.Figures.Virtual ?? 0) * 100 < b.Total.Virtual);
    }

    [Fact]
    public void Go_pure_everything_anonymous_is_the_runtime_and_thread_stacks_stay_in_the_heap()
    {
        var s = Load("go-pure-http-alloc");
        Assert.Null(s.Regions.FirstOrDefault(r => r.Attribution!.Kind == Kinds.Unattributed));
        Assert.Equal(128UL << 20, (ulong)Owned(s, GoRuntimeOwner.HeapArenas).Sum(r => (decimal)r.Size));   // 64 MiB allocated: two arenas
        // Without cgo the Ms' g0 stacks come from the Go heap: no thread stack is claimed outside it.
        Assert.Single(s.Regions, r => r.Attribution!.Kind == Kinds.Stack);
        foreach (var t in s.Snapshot.Threads.Where(t => t.Tid != s.Snapshot.Pid))
            Assert.Equal(GoRuntimeOwner.HeapArenas, s.Regions.Single(r => r.Contains(t.Syscall!.StackPointer!.Value)).Attribution!.Owner);
    }

    [Fact]
    public void Dotnet_gc_range_executable_reservation_and_double_mapping()
    {
        var s = Load("dotnet-subject");
        var gc = Owned(s, new LabelledOwner(Kinds.Dotnet, ".NET GC heap (regions range and bookkeeping)")).ToList();
        Assert.True((ulong)gc.Sum(r => (decimal)r.Size) > 32UL << 30, "the GC reserves tens of GiB");
        Assert.Contains(gc, r => r.Map.NoAccess && r.Size > 1UL << 30);
        var exec = Owned(s, new LabelledOwner(Kinds.Dotnet, ".NET executable-memory reservation")).ToList();
        var coreclr = s.Regions.First(r => r.Map.Path.EndsWith("libcoreclr.so", StringComparison.Ordinal));
        Assert.All(exec, r => Assert.True(r.End <= coreclr.Start && r.Start >= coreclr.Start - (2UL << 30)));
        Assert.Contains(exec, r => r.End == coreclr.Start);
        Assert.True(Owned(s, new LabelledOwner(Kinds.Dotnet, ".NET executable memory (double-mapped)")).Count() > 10);
        Assert.Contains(s.Regions, r => r.Attribution!.Owner.Label.EndsWith("System.Private.CoreLib.dll", StringComparison.Ordinal) && r.Attribution.Kind == Kinds.Image);
        var b = Breakdown.Of(s.Regions);
        Assert.True((b.Kind(Kinds.Unattributed)?.Figures.Virtual ?? 0) * 100 < b.Total.Virtual);
    }

    [Fact]
    public void Every_region_carries_evidence()
    {
        foreach (var name in new[] { "c-threads", "go-cgo-http", "go-pure-http-alloc", "dotnet-subject", "c-threads-cgroup-v2" })
            Assert.All(Load(name).Regions, r => Assert.False(string.IsNullOrWhiteSpace(r.Attribution!.Evidence)));
    }

    [Fact]
    public void Without_recorded_memory_the_arena_rests_on_layout_and_says_so()
    {
        var s = SnapshotSource.Load(Fixtures.Dir("c-threads"));
        var noMemory = s with { Memory = NoMemoryProbe.Instance };
        var analysed = Analyzer.Analyze(noMemory);
        var head = analysed.Regions.First(r => r.Attribution!.Owner is GlibcArena);
        Assert.Contains("rests on the layout alone", head.Attribution!.Evidence);
        // With no memory the mmapped chunks have no proof: unattributed, not guessed.
        Assert.DoesNotContain(analysed.Regions, r => r.Attribution!.Owner == GlibcMmappedChunks.Instance);
    }
}
