using Memlens.Core.Accounting;
using Memlens.Core.Model;
using static Memlens.Core.Classification.Bytes;

namespace Memlens.Core.Findings;

/// <summary>Turns the breakdown into sentences, largest first. Every number in a sentence comes from the breakdown.</summary>
public static class FindingsWriter
{
    public static IReadOnlyList<Finding> Write(ProcessSnapshot s, Breakdown b)
    {
        var list = new List<Finding>();
        var total = b.Total;
        ReservedOnly(list, b);
        Arenas(list, b);
        Stacks(list, b);
        Go(list, b);
        Dotnet(list, b);
        Jvm(list, b);
        Images(list, b);
        BrkHeap(list, b);
        Swap(list, total);
        LazyFree(list, s);
        Unattributed(list, b);
        return list.OrderByDescending(f => f.Bytes).ToList();
    }

    private static string Pct(ulong part, ulong whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:0.#}%".Replace(',', '.');

    private static void ReservedOnly(List<Finding> list, Breakdown b)
    {
        var t = b.Total;
        if (t.ReservedOnly == 0) return;
        var top = b.AllOwners.Where(o => o.Figures.ReservedOnly > 0).OrderByDescending(o => o.Figures.ReservedOnly).Take(3)
            .Select(o => $"{o.Owner} {Format(o.Figures.ReservedOnly)}");
        list.Add(new Finding("Reserved address space", t.ReservedOnly,
            $"{Format(t.ReservedOnly)} of the {Format(t.Virtual)} VSZ ({Pct(t.ReservedOnly, t.Virtual)}) is reserved only (PROT_NONE, ---p): address space that holds no RAM and cannot until it is committed. Largest: {string.Join("; ", top)}. A large VSZ made of reservations is not a leak; watch RSS and PSS instead."));
    }

    private static void Arenas(List<Finding> list, Breakdown b)
    {
        var arenas = b.AllOwners.Where(o => o.Owner.StartsWith("glibc malloc arena", StringComparison.Ordinal)).ToList();
        if (arenas.Count == 0) return;
        var f = Figures.Sum(arenas.Select(a => a.Figures));
        ulong each = arenas.Count > 0 ? f.Committed / (ulong)arenas.Count : 0;
        list.Add(new Finding("glibc malloc arenas", f.Virtual,
            $"{Format(f.Virtual)} of VSZ are {arenas.Count} glibc malloc arena heap(s) (64 MiB each, one arena per thread that called malloc, up to 8 × cores): {Format(f.Committed)} committed ({Format(each)} each on average), {Format(f.Rss)} resident. The rest is address space only. MALLOC_ARENA_MAX (or the tunable glibc.malloc.arena_max) caps their number if per-thread arenas fragment memory."));
    }

    private static void Stacks(List<Finding> list, Breakdown b)
    {
        var threads = b.AllOwners.Where(o => o.Kind == Kinds.Stack && o.Owner.StartsWith("thread ", StringComparison.Ordinal) && !o.Owner.Contains(", main)", StringComparison.Ordinal)).ToList();
        if (threads.Count > 0)
        {
            var f = Figures.Sum(threads.Select(t => t.Figures));
            var sizes = threads.Select(t => t.Regions.Where(r => r.Attribution!.Detail == "stack").Sum(r => (decimal)r.Size)).GroupBy(x => x).OrderByDescending(g => g.Count()).First();
            list.Add(new Finding("Thread stacks", f.Virtual,
                $"{threads.Count} thread stack(s) outside the main stack take {Format(f.Virtual)} of VSZ (most are {Format((ulong)sizes.Key)} each, the pthread default from RLIMIT_STACK) but only {Format(f.Rss)} resident: a stack uses RAM only for the depth it has reached. pthread_attr_setstacksize or `ulimit -s` set the size."));
        }
        var unknown = b.AllOwners.FirstOrDefault(o => o.Owner.StartsWith("thread stacks (owner", StringComparison.Ordinal));
        if (unknown is not null)
            list.Add(new Finding("Stacks with no live thread", unknown.Figures.Virtual,
                $"{unknown.Regions.Count(r => r.Attribution!.Detail == "stack")} stack-shaped mapping(s) ({Format(unknown.Figures.Virtual)}, {Format(unknown.Figures.Rss)} resident) hold no live thread's stack pointer: typically stacks glibc keeps cached after their threads exit (up to 40 MiB, glibc.pthread.stack_cache_size)."));
    }

    private static void Go(List<Finding> list, Breakdown b)
    {
        var go = b.Kind(Kinds.Go);
        if (go is null) return;
        var parts = string.Join("; ", go.Owners.Select(o => $"{o.Owner}: {Format(o.Figures.Virtual)} virtual, {Format(o.Figures.Committed)} mapped, {Format(o.Figures.Rss)} resident"));
        list.Add(new Finding("Go runtime", go.Figures.Virtual,
            $"The Go runtime owns {Format(go.Figures.Virtual)} of VSZ but only {Format(go.Figures.Rss)} is resident. {parts}. The PROT_NONE parts are reservations made at start-up for the heap's whole address range; they cost no RAM. GOGC and GOMEMLIMIT govern the heap itself."));
    }

    private static void Dotnet(List<Finding> list, Breakdown b)
    {
        var dn = b.Kind(Kinds.Dotnet);
        if (dn is null) return;
        var parts = string.Join("; ", dn.Owners.Select(o => $"{o.Owner}: {Format(o.Figures.Virtual)} virtual, {Format(o.Figures.Committed)} committed, {Format(o.Figures.Rss)} resident"));
        list.Add(new Finding(".NET runtime", dn.Figures.Virtual,
            $"The .NET runtime owns {Format(dn.Figures.Virtual)} of VSZ and {Format(dn.Figures.Rss)} of RSS. {parts}. The GC reserves its whole regions range up front; DOTNET_GCRegionRange or DOTNET_GCHeapHardLimit shrink the reservation, which costs no RAM either way."));
    }

    private static void Jvm(List<Finding> list, Breakdown b)
    {
        var jvm = b.Kind(Kinds.Jvm);
        if (jvm is null) return;
        var parts = string.Join("; ", jvm.Owners.Select(o => $"{o.Owner}: {Format(o.Figures.Virtual)} virtual, {Format(o.Figures.Committed)} committed, {Format(o.Figures.Rss)} resident"));
        list.Add(new Finding("JVM", jvm.Figures.Virtual, $"The JVM owns {Format(jvm.Figures.Virtual)} of VSZ and {Format(jvm.Figures.Rss)} of RSS. {parts}. -Xmx, -XX:CompressedClassSpaceSize and -XX:ReservedCodeCacheSize set these reservations."));
    }

    private static void Images(List<Finding> list, Breakdown b)
    {
        var images = b.Kind(Kinds.Image);
        if (images?.Figures.Rss is not ulong rss || rss == 0) return;
        list.Add(new Finding("Executable and libraries", rss,
            $"{images.Owners.Count} mapped image(s) (the executable and its libraries) are {Format(rss)} resident, of which {Format(images.Figures.Shared)} is shared with other processes; their proportional share (PSS) is {Format(images.Figures.Pss)}. Code pages are file-backed and clean: the kernel can drop and re-read them under pressure."));
    }

    private static void BrkHeap(List<Finding> list, Breakdown b)
    {
        var heap = b.Kind(Kinds.NativeHeap);
        if (heap?.Figures.Rss is not ulong rss || rss == 0) return;
        var parts = string.Join("; ", heap.Owners.Take(4).Select(o => $"{o.Owner}: {Format(o.Figures.Rss)} resident"));
        list.Add(new Finding("Native heap (malloc)", rss,
            $"The native heap is {Format(rss)} resident ({Format(heap.Figures.Private)} private): {parts}{(heap.Owners.Count > 4 ? $"; and {heap.Owners.Count - 4} more" : "")}. This is memory C code (or a runtime's C parts) allocated with malloc; if it only grows, look for a leak with heaptrack or valgrind --tool=massif."));
    }

    private static void Swap(List<Finding> list, Figures t)
    {
        if (t.Swap is not ulong swap || swap == 0) return;
        list.Add(new Finding("Swapped out", swap, $"{Format(swap)} of this process is in swap: it is not in RSS, and touching it costs a major fault each page."));
    }

    private static void LazyFree(List<Finding> list, ProcessSnapshot s)
    {
        ulong lazy = 0;
        foreach (var r in s.Regions) lazy += r.Counters?.LazyFree ?? 0;
        if (lazy == 0) return;
        list.Add(new Finding("Freed but still counted (MADV_FREE)", lazy,
            $"{Format(lazy)} of RSS is LazyFree: pages the program gave back with MADV_FREE that the kernel has not reclaimed yet. They count in RSS until there is memory pressure (Go: GODEBUG=madvdontneed=1 returns them at once)."));
    }

    private static void Unattributed(List<Finding> list, Breakdown b)
    {
        var u = b.Kind(Kinds.Unattributed);
        if (u is null) return;
        list.Add(new Finding("Unattributed", u.Figures.Virtual,
            $"{u.Figures.Regions} mapping(s), {Format(u.Figures.Virtual)} of VSZ ({Pct(u.Figures.Virtual, b.Total.Virtual)}) and {Format(u.Figures.Rss)} resident, have no owner memlens can prove: they are listed as unattributed in `memlens maps --kind unattributed` rather than guessed."));
    }
}
