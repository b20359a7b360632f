using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>
/// HotSpot's reservations (research/runtime-facts-2.md §9), each a gap-free run of mappings of a size the JVM's own
/// counters (or its options, or its defaults) give: the Java heap (MaxHeapSize, ending at 4 or 32 GiB with compressed
/// oops, with the CDS archived-heap regions inside it), the CDS archive and the compressed class space right after it,
/// the segmented code cache (ReservedCodeCacheSize, three rwx heads), and metaspace nodes (64 MiB, committed in
/// 64 KiB granules). Thread stacks and their guard zones are found by the stack rules.
/// </summary>
public sealed class JvmRule : IClassificationRule
{
    private const ulong FourGiB = 4UL << 30, ThirtyTwoGiB = 32UL << 30;

    public void Apply(ClassificationContext context)
    {
        var facts = JvmFacts.Of(context);
        ulong? heap = ClaimHeap(context, facts);
        ClaimCdsAndClassSpace(context, facts);
        ClaimCodeCache(context, facts);
        ClaimMetaspace(context, facts);
        ClaimCodeStubs(context);
        if (heap is ulong h) ClaimGcTables(context, facts, h);
    }

    private static bool IsCds(Region r) => r.Map.FileBacked && System.IO.Path.GetFileName(r.Map.FilePath) is { } n && n.StartsWith("classes", StringComparison.Ordinal) && n.EndsWith(".jsa", StringComparison.Ordinal);

    private static ulong Sum(IEnumerable<Region> regions) => regions.Aggregate(0UL, (a, r) => a + r.Size);

    /// <summary>Sub-runs of <paramref name="run"/> (from one region boundary to another) whose size is exactly one of <paramref name="sizes"/>.</summary>
    private static IEnumerable<List<Region>> Windows(List<Region> run, params ulong[] sizes)
    {
        for (int i = 0; i < run.Count; i++)
        {
            ulong total = 0;
            for (int j = i; j < run.Count; j++)
            {
                total += run[j].Size;
                if (sizes.Contains(total)) yield return run.GetRange(i, j - i + 1);
                if (total > sizes.Max()) break;
            }
        }
    }

    /// <returns>the heap's size as found (its reservation), or null when no heap was found.</returns>
    private static ulong? ClaimHeap(ClassificationContext context, JvmFacts facts)
    {
        var runs = context.UnclaimedRuns(r => r.IsPrivateAnonymous || IsCds(r)).ToList();
        List<Region>? heap = null;
        string why;
        if (facts.MaxHeap is ulong max)
        {
            // -Xmx is rounded up to the heap's alignment (up to 32 MiB regions); the perf-data figure is exact.
            var sizes = new[] { max }.Concat(Enumerable.Range(20, 6).Select(b => AlignUp(max, 1UL << b))).Distinct().ToArray();
            var windows = runs.SelectMany(run => Windows(run, sizes)).Where(w => w.Any(r => r.IsPrivateAnonymous)).ToList();
            heap = windows.FirstOrDefault(w => w[^1].End is FourGiB or ThirtyTwoGiB) ?? windows.FirstOrDefault();
            why = $"a gap-free run of {(heap is null ? "" : Bytes.Format(Sum(heap)))} mappings, the maximum heap size {Bytes.Format(max)} from {facts.MaxHeapSource}: HotSpot reserves the whole heap once and commits it as it grows";
        }
        else
        {
            // Compressed oops put the heap right below 4 GiB (unscaled) or 32 GiB (zero-based).
            heap = runs.Select(run => run.FindIndex(r => r.End is FourGiB or ThirtyTwoGiB) is int i and >= 0 ? run.GetRange(0, i + 1) : null)
                .FirstOrDefault(w => w is not null && Sum(w) >= 16 * Bytes.MiB);
            why = "a gap-free run of mappings ending exactly at 4 or 32 GiB, where HotSpot puts a compressed-oops heap (the maximum heap size is not known: no perf-data file or -Xmx)";
        }
        if (heap is null) return null;
        foreach (var r in heap)
        {
            string detail = IsCds(r) ? "CDS archived heap region" : r.Map.NoAccess ? "reserved" : "committed";
            string evidence = IsCds(r) ? $"{why}; this part maps the CDS archive's archived heap objects ({r.Map.FilePath})" : why;
            context.Claim(r, JvmOwner.Heap, detail, evidence, facts.PerfData is not null ? Confidence.Confirmed : Confidence.Inferred);
        }
        return Sum(heap);
    }

    private static void ClaimCdsAndClassSpace(ClassificationContext context, JvmFacts facts)
    {
        Region? last = null;
        foreach (var r in context.Regions.Where(r => !context.IsClaimed(r) && IsCds(r)).ToList())
        {
            context.Claim(r, JvmOwner.Cds, "mapped", $"the JVM's class data sharing archive {r.Map.FilePath} (JEP 341): shared class metadata mapped from the file", Confidence.Confirmed);
            last = r;
        }
        Region? after = last is null ? null : context.Next(last);
        if (after is not null && !context.IsClaimed(after) && after.IsPrivateAnonymous && after.Map.NoAccess && context.Adjacent(last!, after) && after.Size < 64 * Bytes.MiB)
        {
            context.Claim(after, JvmOwner.Cds, "reserved", "the rest of the CDS archive's reservation, directly after its mapped part", Confidence.Inferred);
            last = after;
        }
        // The compressed class space is reserved right after the CDS archive; without CDS, it is the run of its exact size.
        var runs = context.UnclaimedAnonymousRuns().ToList();
        var next = last is null ? null : context.Next(last);
        var space = next is not null && context.Adjacent(last!, next)
            ? runs.Where(run => run[0] == next).SelectMany(run => Windows(run, facts.ClassSpace)).FirstOrDefault(w => w[0] == next)
            : null;
        space ??= runs.SelectMany(run => Windows(run, facts.ClassSpace)).FirstOrDefault(w => Sum(w.Where(r => r.Map.NoAccess)) * 10 >= facts.ClassSpace * 9);
        if (space is null) return;
        foreach (var r in space)
            context.Claim(r, JvmOwner.ClassSpace, r.Map.NoAccess ? "reserved" : "committed",
                $"a gap-free run of exactly {Bytes.Format(facts.ClassSpace)} ({facts.ClassSpaceSource}){(next is not null && space[0] == next ? ", directly after the CDS archive" : "")}: the compressed class space, reserved once and committed as classes load", Confidence.Inferred);
    }

    private static void ClaimCodeCache(ClassificationContext context, JvmFacts facts)
    {
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            int first = run.FindIndex(r => r.Map.Executable && r.Map.Writable);
            if (first < 0) continue;
            var tail = run.GetRange(first, run.Count - first);
            var window = Windows(tail, facts.CodeCache).FirstOrDefault(w => w[0] == tail[0]);
            string why = $"a gap-free run of exactly {Bytes.Format(facts.CodeCache)} ({facts.CodeCacheSource}) that starts with an rwx mapping: the JIT code cache, whose segments (non-nmethods, profiled, non-profiled) each start with a committed rwx head";
            if (window is null)
            {
                int lastRwx = tail.FindLastIndex(r => r.Map.Executable && r.Map.Writable);
                int end = lastRwx + 1 < tail.Count && tail[lastRwx + 1].Map.NoAccess ? lastRwx + 1 : lastRwx;
                window = tail.GetRange(0, end + 1);
                if (Sum(window) > facts.CodeCache) continue;
                why = $"a gap-free run of {Bytes.Format(Sum(window))} holding rwx mappings, within the code cache's {Bytes.Format(facts.CodeCache)} ({facts.CodeCacheSource}): JIT-compiled code";
            }
            foreach (var r in window)
                context.Claim(r, JvmOwner.CodeCache, r.Map.NoAccess ? "reserved" : "committed", why, Confidence.Inferred);
        }
    }

    private static void ClaimMetaspace(ClassificationContext context, JvmFacts facts)
    {
        ulong left = facts.MetaspaceReserved ?? ulong.MaxValue;
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            for (int i = 0; i < run.Count && left >= JvmFacts.MetaspaceNode; i++)
            {
                if (run[i].Start % (4 * Bytes.MiB) != 0 || run[i].Map.NoAccess || context.IsClaimed(run[i])) continue;
                var node = Windows(run.GetRange(i, run.Count - i), JvmFacts.MetaspaceNode).FirstOrDefault(w => w[0] == run[i]);
                // Committed in 64 KiB granules, with reservations between: the shape of a metaspace node, not of a malloc heap.
                if (node is null || !node.Any(r => r.Map.NoAccess) || node.Where(r => !r.Map.NoAccess).Any(r => r.Size % (64 * Bytes.KiB) != 0)) continue;
                foreach (var r in node)
                    context.Claim(r, JvmOwner.Metaspace, r.Map.NoAccess ? "reserved" : "committed",
                        $"a gap-free run of exactly 64 MiB starting on a 4 MiB boundary, committed in 64 KiB granules: a metaspace node (JEP 387){(facts.MetaspaceReserved is ulong m ? $"; the JVM's counters give {Bytes.Format(m)} of non-class metaspace reserved (sun.gc.metaspace.maxCapacity − compressed class space)" : "")}", Confidence.Inferred);
                left -= JvmFacts.MetaspaceNode;
                i += node.Count - 1;
            }
        }
    }

    /// <summary>
    /// The collector's side tables are sized from the heap and committed in proportion to it (g1CollectedHeap.cpp
    /// create_aux_memory_mapper; the card table and block offset table are heap/512, G1's mark bitmaps heap/64): each is
    /// a committed head and a reserved tail whose sum is that size (give or take a neighbour the kernel merged, 2 MiB).
    /// G1's concurrent mark stack is 32 MiB (MarkStackSize 4M entries of 8 bytes).
    /// </summary>
    private const ulong MarkStack = 32 * Bytes.MiB;

    private static void ClaimGcTables(ClassificationContext context, JvmFacts facts, ulong heap)
    {
        ulong card = heap / 512, bitmap = heap / 64, startArray = heap / 768, parallelBitmap = heap / 32;
        // Allow for a neighbour the kernel merged, in proportion (a small heap's tables are small), and at least for a
        // small table of a few pages beside it (Parallel's region table is heap/12800).
        static ulong Slop(ulong target) => Math.Min(2 * Bytes.MiB, Math.Max(target / 16, 32 * Bytes.KiB));
        bool g1 = facts.Collector is { } c && (c == "GarbageFirst" || c.StartsWith("G1", StringComparison.Ordinal));
        // Without perf-data or an option naming it, the layout does: of HotSpot's collectors only G1 maps heap/64 mark
        // bitmaps as a committed head and reserved tail (Parallel's is heap/32; Serial has none).
        string g1Why = "a G1 JVM";
        if (facts.Collector is null && HasHeadAndTail(context, bitmap, Slop(bitmap)))
            (g1, g1Why) = (true, "a JVM whose heap/64 mark bitmaps are G1's");
        // Parallel ("ParScav:MSC") commits its mark bitmap whole: two bits per heap word, heap/32 (parMarkBitMap.cpp).
        bool parallel = facts.Collector?.StartsWith("ParScav", StringComparison.Ordinal) == true;
        // Tables a small heap commits whole: every collector's card table and (Serial, Parallel) the old generation's
        // block offset table; Parallel's compaction tables too (psParallelCompact.cpp: a block table of heap/512 and
        // a region table of about heap/12800, within the slop).
        (ulong Size, string What)[] wholeTables = parallel
            ? [(card, "heap/512, a card table or Parallel's block table"), (startArray, "heap/768, an object start array"), (parallelBitmap, "heap/32, Parallel's mark bitmap"), (card, "heap/512, a card table or Parallel's block table")]
            : [(card, "heap/512, a card table"), (startArray, "heap/768, an object start array")];
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            for (int i = 0; i < run.Count; i++)
            {
                var r = run[i];
                // Mapped with a plain mmap: on whatever boundary the kernel found (32 MiB and 4 MiB seen). A malloc'd
                // block of 32 MiB is a page larger.
                if (g1 && r.Size == MarkStack && !r.Map.NoAccess)
                {
                    context.Claim(r, JvmOwner.GcData, "mark stack", $"an rw mapping of exactly 32 MiB in {g1Why}: G1's concurrent mark stack (MarkStackSize)", Confidence.Inferred);
                    continue;
                }
                // A table the heap's whole size is committed for (a small heap) has no reserved tail: one rw mapping of
                // one table, or of neighbouring tables the kernel merged, unless a malloc chunk header says otherwise.
                // (Not right after a file's writable segment: that place is a library's bss. A few reserved pages
                // above are the guard of the thread stack mapped next, not a tail.)
                // The top of it may be a small code heap's 20 KiB head, merged (ClaimCodeStubs owns the reserved rest above).
                bool codeHeadOnTop = IsSmallCodeHeapTail(context.Next(r)) && r.Size > SmallCodeHeapHead;
                ulong table = codeHeadOnTop ? r.Size - SmallCodeHeapHead : r.Size;
                if (!r.Map.NoAccess && (i + 1 >= run.Count || !run[i + 1].Map.NoAccess || run[i + 1].Size < 64 * Bytes.KiB) && !AfterFileData(context, r) && !AboveAGuard(context, r)
                    && (Readable(context, r) ? MergedTables(table, wholeTables, Slop, parts: 3) : MergedTables(table, wholeTables, ExactPages, parts: 1)) is { } tables
                    && Glibc.GlibcMmapChunkRule.Walk(context.Snapshot.Memory, r.Start, r.Size, context.PageSize).Chunks == 0)
                {
                    string code = codeHeadOnTop ? $"; its top {Bytes.Format(SmallCodeHeapHead)} is the committed head of the small code heap above, merged into it" : "";
                    context.Claim(r, JvmOwner.GcData, "committed",
                        $"an rw mapping of {Bytes.Format(table)} ≈ {tables} for the {Bytes.Format(heap)} heap, committed whole{code}", Confidence.Inferred);
                    continue;
                }
                // A reserved tail of a few pages is a thread's guard below the next stack, not a table's uncommitted part.
                if (i + 1 >= run.Count || r.Map.NoAccess || !run[i + 1].Map.NoAccess || run[i + 1].Size < 64 * Bytes.KiB) continue;
                ulong pair = r.Size + run[i + 1].Size;
                // G1's mark stack, mapped just before the first bitmap and not always on a 32 MiB boundary, merges with its head.
                bool markStackBelow = g1 && r.Size > MarkStack && Near(pair - MarkStack, bitmap, Slop(bitmap));
                string? what = Near(pair, bitmap, Slop(bitmap)) ? $"heap/64 = {Bytes.Format(bitmap)}: a mark bitmap"
                    : markStackBelow ? $"32 MiB (G1's concurrent mark stack, MarkStackSize) and heap/64 = {Bytes.Format(bitmap)} (a mark bitmap), the stack and the bitmap's head merged into one mapping"
                    : Near(pair, card, Slop(card)) ? $"heap/512 = {Bytes.Format(card)}: a card table, block offset table or card counts table"
                    : Near(pair, startArray, Slop(startArray)) ? $"heap/768 = {Bytes.Format(startArray)}: the old generation's block offset table (Serial, Parallel: a third of the heap is young)" : null;
                if (what is null && TwoHeadsAndTails(run, i) is ulong four && Near(four, card, Slop(card)))
                {
                    // Serial's and Parallel's card table covers the young generation and then the old, each committing
                    // its part of the table from its own start: head, tail, head, tail.
                    string cards = $"two committed heads and reserved tails of {Bytes.Format(four)} together ≈ heap/512 = {Bytes.Format(card)}: a card table over the young and the old generation, each committing its part from its start, for the {Bytes.Format(heap)} heap";
                    for (int k = i; k < i + 4; k++)
                        context.Claim(run[k], JvmOwner.GcData, run[k].Map.NoAccess ? "reserved" : "committed", cards, Confidence.Inferred);
                    i += 3;
                    continue;
                }
                if (what is null) continue;
                string why = $"a committed head ({Bytes.Format(r.Size)}) and reserved tail of {Bytes.Format(pair)} together ≈ {what}, for the {Bytes.Format(heap)} heap ({(facts.MaxHeap is null ? "its reservation as found" : facts.MaxHeapSource)}); committed in proportion to the heap";
                context.Claim(r, JvmOwner.GcData, "committed", why, Confidence.Inferred);
                context.Claim(run[i + 1], JvmOwner.GcData, "reserved", why, Confidence.Inferred);
                i++;
            }
        }
    }

    /// <summary>
    /// Besides the code cache, HotSpot (JDK 17) reserves small code heaps: two of 940 KiB and one of 48 KiB, each with a
    /// committed 20 KiB head (NMT "Code"); the head may merge with the rw mapping below it, the reserved rest does not.
    /// </summary>
    private const ulong SmallCodeHeapHead = 20 * Bytes.KiB;

    private static bool IsSmallCodeHeapTail(Region? r) =>
        r?.Attribution is { Detail: "reserved (small code heap)" } a && a.Owner == JvmOwner.CodeCache;

    private static void ClaimCodeStubs(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.NoAccess || r.Size is not (920 * Bytes.KiB or 28 * Bytes.KiB)) continue;
            var head = context.Previous(r);
            if (head is null || !context.Adjacent(head, r) || !head.IsPrivateAnonymous || head.Map.NoAccess) continue;
            string why = $"a reserved {Bytes.Format(r.Size)} above a committed head: one of HotSpot's small code heaps ({Bytes.Format(r.Size + SmallCodeHeapHead)} with a {Bytes.Format(SmallCodeHeapHead)} head; NMT counts them under Code)";
            context.Claim(r, JvmOwner.CodeCache, "reserved (small code heap)", why, Confidence.Inferred);
            if (!context.IsClaimed(head) && head.Size == SmallCodeHeapHead) context.Claim(head, JvmOwner.CodeCache, "committed (small code heap)", why, Confidence.Inferred);
        }
    }

    /// <summary>
    /// The one table, or (up to <paramref name="parts"/>) the two or three neighbouring tables the kernel merged, whose
    /// sizes add up to about <paramref name="size"/>, described; null when none do.
    /// </summary>
    private static string? MergedTables(ulong size, (ulong Size, string What)[] tables, Func<ulong, ulong> slop, int parts)
    {
        // One table before two, two before three: the fewest tables that explain the mapping.
        foreach (var t in tables)
            if (Near(size, t.Size, slop(t.Size))) return t.What;
        for (int a = 0; a < tables.Length && parts > 1; a++)
            for (int b = a + 1; b < tables.Length; b++)
            {
                ulong two = tables[a].Size + tables[b].Size;
                if (Near(size, two, slop(two))) return $"({tables[a].What}) + ({tables[b].What}), merged";
            }
        for (int a = 0; a < tables.Length && parts > 2; a++)
            for (int b = a + 1; b < tables.Length; b++)
                for (int c = b + 1; c < tables.Length; c++)
                {
                    ulong three = tables[a].Size + tables[b].Size + tables[c].Size;
                    if (Near(size, three, slop(three))) return $"({tables[a].What}) + ({tables[b].What}) + ({tables[c].What}), merged";
                }
        return null;
    }

    /// <summary>No slop but the table's rounding up to whole pages: a malloc'd block is a page larger than what it holds.</summary>
    private static ulong ExactPages(ulong table) => AlignUp(table, 4096) - table;

    /// <summary>
    /// Whether the region's memory can be read, so that a malloc chunk header at its start would have been seen. Without
    /// it (a copy of /proc files) a malloc'd block and two merged tables have the same shape: only one table is matched,
    /// of exactly its page-rounded size.
    /// </summary>
    private static bool Readable(ClassificationContext context, Region r)
    {
        Span<byte> probe = stackalloc byte[16];
        return context.Snapshot.Memory.TryRead(r.Start, probe);
    }

    /// <summary>The size of run[i..i+3] when it alternates committed and reserved (each tail 64 KiB or more), else null.</summary>
    private static ulong? TwoHeadsAndTails(List<Region> run, int i)
    {
        if (i + 3 >= run.Count) return null;
        for (int k = i; k < i + 4; k++)
            if (run[k].Map.NoAccess != ((k - i) % 2 == 1) || (run[k].Map.NoAccess && run[k].Size < 64 * Bytes.KiB)) return null;
        return Sum(run.GetRange(i, 4));
    }

    /// <summary>Whether some unclaimed committed head and reserved tail (of 64 KiB or more) add up to about <paramref name="size"/>.</summary>
    private static bool HasHeadAndTail(ClassificationContext context, ulong size, ulong slop) =>
        context.UnclaimedAnonymousRuns().Any(run => run.Zip(run.Skip(1)).Any(p =>
            !p.First.Map.NoAccess && p.Second.Map.NoAccess && p.Second.Size >= 64 * Bytes.KiB && Near(p.First.Size + p.Second.Size, size, slop)));

    /// <summary>
    /// Right above a few reserved pages: the shape of a thread stack over its guard (a Java thread's 1 MiB stack is
    /// 1008 KiB over a 16 KiB guard, the size of two heap/512 tables of a 256 MiB heap), so not taken for a table.
    /// </summary>
    private static bool AboveAGuard(ClassificationContext context, Region r) =>
        context.Previous(r) is { } below && context.Adjacent(below, r) && below.IsPrivateAnonymous && below.Map.NoAccess
        && below.Size <= Stacks.GuardPatternStackRule.MaxGuardBytes;

    private static bool AfterFileData(ClassificationContext context, Region r) =>
        context.Previous(r) is { } below && context.Adjacent(below, r) && below.Map.FileBacked && below.Map.Writable;

    private static bool Near(ulong value, ulong target, ulong slop) => value + slop >= target && value <= target + slop;

    private static ulong AlignUp(ulong v, ulong a) => (v + a - 1) / a * a;
}
