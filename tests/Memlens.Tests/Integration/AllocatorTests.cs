using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// The same C program (tests/subjects/allocs.c: 125 MiB in 16 KiB blocks, 8 MiB in 2 MiB blocks) with other malloc
/// implementations from the distribution's packages: gperftools tcmalloc and mimalloc preloaded, musl linked.
/// </summary>
public class AllocatorTests
{
    private const ulong Allocated = (4UL * 2000 * 16 << 10) + (4UL * 2 << 20);

    private static void AssertAllocatorOwnsTheHeap(string file, IDictionary<string, string>? env, string allocator)
    {
        using var subject = Subject.Start(file, [], env);
        var a = Analyzer.Analyze(LiveProcess.Load(subject.Pid));
        Assert.Contains(allocator, a.Runtimes.Keys);
        var heap = Figures.Sum(a.Breakdown.AllOwners.Where(o => o.Owner is IMallocArena m && m.Allocator == (allocator == "musl" ? "musl malloc" : allocator)).Select(o => o.Figures));
        Assert.True(heap.Rss >= Allocated * 9 / 10, $"{allocator} owns {heap.Rss:N0} resident of {Allocated:N0} allocated");
        var u = a.Breakdown.Kind(Kinds.Unattributed)?.Figures ?? Figures.Zero;
        Assert.True(u.Virtual * 100 <= a.Breakdown.Total.Virtual, $"unattributed VSZ {u.Virtual:N0}");
        Assert.True((u.Rss ?? 0) * 50 <= a.Breakdown.Total.Rss, $"unattributed RSS {u.Rss:N0}");
        Assert.Contains(a.Findings, f => f.Title == (allocator == "musl" ? "musl malloc" : allocator));
        Assert.DoesNotContain(a.Breakdown.AllOwners, o => o.Owner.Label.Contains("glibc malloc arena", StringComparison.Ordinal));
    }

    private static string Library(string prefix) =>
        Directory.GetFiles("/usr/lib/x86_64-linux-gnu", prefix + "*").Where(f => f.Contains(".so", StringComparison.Ordinal)).Order().First();

    [Fact]
    public void Tcmalloc_preloaded_grows_the_brk_heap() =>
        AssertAllocatorOwnsTheHeap(SubjectBuilds.Allocs, new Dictionary<string, string> { ["LD_PRELOAD"] = Library("libtcmalloc.so") }, "tcmalloc");

    [Fact]
    public void Mimalloc_preloaded_maps_segments_in_its_hint_range() =>
        AssertAllocatorOwnsTheHeap(SubjectBuilds.Allocs, new Dictionary<string, string> { ["LD_PRELOAD"] = Library("libmimalloc.so") }, "mimalloc");

    [Fact]
    public void Musl_malloc_maps_its_groups() => AssertAllocatorOwnsTheHeap(SubjectBuilds.AllocsWithMusl, null, "musl");
}
