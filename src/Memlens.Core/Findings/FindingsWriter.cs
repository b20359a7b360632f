using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Runtimes;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Findings;

/// <summary>Turns the breakdown into sentences, largest first. Every number in a sentence comes from the breakdown.</summary>
public static class FindingsWriter
{
    /// <summary>The process-wide findings, then each identified module's, largest first.</summary>
    public static IReadOnlyList<Finding> Write(FindingContext context, IReadOnlyList<IRuntimeModule>? modules = null)
    {
        var list = new List<Finding>();
        var b = context.Breakdown;
        foreach (var m in modules ?? RuntimeCatalog.Modules)
            if (context.Runtimes.ContainsKey(m.Name)) list.AddRange(m.Findings(context));
        var explained = list.SelectMany(f => f.About).ToHashSet();
        ReservedOnly(list, b);
        Images(list, b);
        NativeHeap(list, b, explained);
        Swap(list, b.Total);
        LazyFree(list, context.Regions);
        Unattributed(list, b);
        if (StatmFinding.Write(context) is { } statm) list.Add(statm);
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

    private static void Images(List<Finding> list, Breakdown b)
    {
        var images = b.Kind(Kinds.Image);
        if (images?.Figures.Rss is not ulong rss || rss == 0) return;
        list.Add(new Finding("Executable and libraries", rss,
            $"{images.Owners.Count} mapped image(s) (the executable and its libraries) are {Format(rss)} resident, of which {Format(images.Figures.Shared)} is shared with other processes; their proportional share (PSS) is {Format(images.Figures.Pss)}. Code pages are file-backed and clean: the kernel can drop and re-read them under pressure."));
    }

    /// <summary>The native heap that no allocator's own finding explains (the brk heap, mmapped chunks, …).</summary>
    private static void NativeHeap(List<Finding> list, Breakdown b, HashSet<Owner> explained)
    {
        var owners = b.Kind(Kinds.NativeHeap)?.Owners.Where(o => !explained.Contains(o.Owner)).ToList() ?? [];
        var f = Figures.Sum(owners.Select(o => o.Figures));
        if (f.Rss is not ulong rss || rss == 0) return;
        var parts = string.Join("; ", owners.Take(4).Select(o => $"{o.Owner}: {Format(o.Figures.Rss)} resident"));
        string which = explained.Any(o => o.Kind == Kinds.NativeHeap) ? "The native heap beyond what the allocators' own findings explain" : "The native heap";
        list.Add(new Finding("Native heap (malloc)", rss,
            $"{which} is {Format(rss)} resident ({Format(f.Private)} private): {parts}{(owners.Count > 4 ? $"; and {owners.Count - 4} more" : "")}. This is memory C code (or a runtime's C parts) allocated with malloc; if it only grows, look for a leak with heaptrack or valgrind --tool=massif."));
    }

    private static void Swap(List<Finding> list, Figures t)
    {
        if (t.Swap is not ulong swap || swap == 0) return;
        list.Add(new Finding("Swapped out", swap, $"{Format(swap)} of this process is in swap: it is not in RSS, and touching it costs a major fault each page."));
    }

    private static void LazyFree(List<Finding> list, IReadOnlyList<Region> regions)
    {
        ulong lazy = 0;
        foreach (var r in regions) lazy += r.Counters?.LazyFree ?? 0;
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
