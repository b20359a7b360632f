using Memlens.Core.Model;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Runtimes.Stacks;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Classification;

/// <summary>
/// The kernel merges neighbouring anonymous mappings with the same permissions and flags into one VMA, whoever made
/// them. Where one part of such a VMA is proven to be something, the VMA is shown as two regions, so each gets its own
/// owner:
/// <list type="bullet">
/// <item>Before Linux 6.7 (which marks MAP_STACK mappings VM_NOHUGEPAGE), a thread stack's rw mapping merges with an
/// adjacent anonymous rw mapping above it — often glibc's mmapped malloc chunks. Where the upper part is proven to be
/// mostly such chunks (IS_MMAPPED headers covering at least half of it) and the stack's size is that of the process's
/// other thread stacks (or glibc's 8 MiB default), the stack is cut off.</item>
/// <item>glibc's mmapped malloc chunks, mapped later and so right below an earlier mapping (mmap hands out addresses
/// top-down), merge with it: where chunk headers cover the bottom of a VMA but less than half of it, the chunks are
/// cut off and the rest is left for the rules to own (a JVM's GC table, another library's buffer) or to leave
/// unattributed.</item>
/// </list>
/// Resident figures are divided by /proc/PID/pagemap; without it (a snapshot that did not record it) the VMA stays
/// whole. A core has no resident figures, so it is always divided.
/// </summary>
public static class MergedVmaSplitter
{
    private const ulong DefaultStackBytes = 8 * Bytes.MiB;

    /// <summary>The snapshot's regions with merged VMAs divided, or null when there is nothing to divide.</summary>
    public static IReadOnlyList<Region>? Split(ProcessSnapshot snapshot, List<string> warnings)
    {
        var regions = snapshot.Regions;
        if (regions.Count == 0) return null;
        var cuts = StackCuts(snapshot);
        ChunkCuts(snapshot, cuts);
        var divided = new Dictionary<int, (SmapsCounters? Lower, SmapsCounters? Upper, ulong At, string Note)>();
        foreach (var (index, cut) in cuts)
        {
            var r = regions[index];
            if (TryDivide(snapshot, r, cut.At, cut.Lower, out var lower, out var upper, out string how))
                divided[index] = (lower, upper, cut.At, $"{cut.Evidence}; {how}");
            else if (cut.WarnIfWhole)
                warnings.Add($"{Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)}: {cut.Evidence}; without pagemap its resident pages cannot be divided, so the VMA is shown whole");
        }
        // Nothing divided: the snapshot's own regions, not a copy (the first analysis owns them).
        if (divided.Count == 0) return null;
        var result = new List<Region>(regions.Count + divided.Count);
        foreach (var r in regions)
        {
            if (!divided.TryGetValue(r.Index, out var d))
            {
                result.Add(new Region(result.Count, r.Map, r.Counters));
                continue;
            }
            result.Add(new Region(result.Count, r.Map with { End = d.At }, d.Lower) { SplitNote = d.Note });
            result.Add(new Region(result.Count, r.Map with { Start = d.At }, d.Upper) { SplitNote = d.Note });
        }
        return result;
    }

    /// <summary>Thread stacks merged with the malloc chunks above them: cut at the stack's size.</summary>
    private static Dictionary<int, (ulong At, string Evidence, string Lower, bool WarnIfWhole)> StackCuts(ProcessSnapshot snapshot)
    {
        var regions = snapshot.Regions;
        var stacks = new List<(Region Region, ulong Sp)>();
        foreach (var t in snapshot.Threads)
        {
            if (t.Tid == snapshot.Pid || t.Syscall?.StackPointer is not ulong sp) continue;
            var r = Region.Find(regions, sp);
            if (r is not null && r.IsPrivateAnonymous && r.Map.Writable && r.Index > 0 && HasGuardBelow(regions[r.Index - 1], r)) stacks.Add((r, sp));
        }
        var sizes = stacks.Select(s => s.Region.Size).Append(DefaultStackBytes).Distinct().Order().ToList();
        var cuts = new Dictionary<int, (ulong At, string Evidence, string Lower, bool WarnIfWhole)>();
        foreach (var (r, sp) in stacks)
        {
            if (cuts.ContainsKey(r.Index)) continue;
            foreach (ulong size in sizes)
            {
                ulong at = r.Start + size;
                if (at <= sp || at >= r.End) continue;
                var (chunks, covered) = GlibcMmapChunkRule.Walk(snapshot.Memory, at, r.End - at, snapshot.PageSize);
                // The rule that then owns the upper part accepts the same share (GlibcMmapChunkRule: at least half).
                if (chunks == 0 || covered * 2 < r.End - at) continue;
                cuts[r.Index] = (at, $"the kernel merged a thread stack ({Bytes.Format(size)}, the size of this process's thread stacks) and the {Bytes.Format(r.End - at)} above it, {chunks} glibc mmapped malloc chunk(s) covering {Bytes.Format(covered)} from {Bytes.Hex(at)}, into one VMA {Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)}", "the stack", true);
                break;
            }
        }
        return cuts;
    }

    /// <summary>
    /// Mmapped malloc chunks at the bottom of a VMA, not reaching its end: cut where the chain of headers ends. Only in a
    /// process with glibc mapped, and only where the memory can be read, since the headers are the proof. Kept whole
    /// (no pagemap), chunks covering at least half are still owned as chunks, their evidence naming the merged rest;
    /// less than half stays unattributed, so only that case is worth a warning.
    /// </summary>
    private static void ChunkCuts(ProcessSnapshot snapshot, Dictionary<int, (ulong At, string Evidence, string Lower, bool WarnIfWhole)> cuts)
    {
        if (!snapshot.Regions.Any(r => r.Map.FileBacked && Runtimes.Glibc.GlibcNames.IsLibc(r.Map.FilePath))) return;
        Span<byte> probe = stackalloc byte[16];
        foreach (var r in snapshot.Regions)
        {
            if (cuts.ContainsKey(r.Index) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Map.Executable || r.Size < 2 * GlibcMmapChunkRule.MinChunkBytes) continue;
            if (!snapshot.Memory.TryRead(r.Start, probe)) continue;
            var (chunks, covered) = GlibcMmapChunkRule.Walk(snapshot.Memory, r.Start, r.Size, snapshot.PageSize);
            if (chunks == 0)
            {
                TopChunkCut(snapshot, r, cuts);
                continue;
            }
            if (covered >= r.Size) continue;
            ulong at = r.Start + covered;
            cuts[r.Index] = (at, $"the kernel merged {chunks} glibc mmapped malloc chunk(s) covering {Bytes.Format(covered)} from {Bytes.Hex(r.Start)} (their headers chain to {Bytes.Hex(at)}) and the {Bytes.Format(r.End - at)} mapped before them above, into one VMA {Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)}", "the chunks", covered * 2 < r.Size);
        }
    }

    /// <summary>
    /// Chunks above the bottom of a VMA, something mapped after them merged below (mmap hands out addresses top-down): a
    /// chain of headers that starts within the first <see cref="TopChunkSearchPages"/> pages and covers at least half of
    /// the rest. The VMA is cut where the chain starts; above it the chunk rule owns the chunks, naming any small
    /// mapping merged above them too.
    /// </summary>
    private static void TopChunkCut(ProcessSnapshot snapshot, Region r, Dictionary<int, (ulong At, string Evidence, string Lower, bool WarnIfWhole)> cuts)
    {
        ulong page = snapshot.PageSize;
        ulong limit = Math.Min(TopChunkSearchPages * page, r.Size / 2);
        for (ulong offset = page; offset <= limit; offset += page)
        {
            var (chunks, covered) = GlibcMmapChunkRule.Walk(snapshot.Memory, r.Start + offset, r.Size - offset, page);
            if (chunks == 0 || covered * 2 < r.Size - offset) continue;
            ulong at = r.Start + offset;
            cuts[r.Index] = (at, $"the kernel merged {chunks} glibc mmapped malloc chunk(s) in the VMA {Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)} (their headers chain from {Bytes.Hex(at)} over {Bytes.Format(covered)}) with the {Bytes.Format(offset)} mapped after them, below", "the mapping below the chunks", true);
            return;
        }
    }

    /// <summary>How far into a VMA a chain of chunks that reaches its end is looked for: what merges below them is small.</summary>
    private const ulong TopChunkSearchPages = 64;

    private static bool HasGuardBelow(Region below, Region stack) =>
        below.End == stack.Start && below.IsPrivateAnonymous && below.Map.NoAccess && below.Size <= ThreadStackRule.MaxGuardBytes;

    /// <summary>
    /// Divides the VMA's counters at the cut: resident and swapped bytes by the pages pagemap finds on each side,
    /// every other counter in the same proportion as resident bytes, rounded to pages; the upper part takes the
    /// remainder, so the two always add up to the kernel's figures for the VMA.
    /// </summary>
    private static bool TryDivide(ProcessSnapshot snapshot, Region r, ulong at, string lowerName, out SmapsCounters? lower, out SmapsCounters? upper, out string how)
    {
        lower = upper = null;
        if (r.Counters is null)
        {
            how = "a core has no resident figures to divide";
            return true;
        }
        if (!snapshot.Memory.TryCountPages(r.Start, at, out var low) || !snapshot.Memory.TryCountPages(at, r.End, out var high))
        {
            how = "";
            return false;
        }
        ulong page = snapshot.PageSize;
        var c = r.Counters;
        ulong rss = c.Rss ?? 0;
        ulong lowRss = Math.Min(rss, low.Present * page);
        ulong lowSwap = Math.Min(c.Swap ?? 0, low.Swapped * page);
        lower = Scale(c, lowRss, rss, page, at - r.Start, lowSwap);
        upper = Remainder(c, lower, r.End - at);
        how = $"its resident pages are divided by /proc/PID/pagemap: {low.Present} of {low.Present + high.Present} present pages lie in {lowerName}";
        return true;
    }

    /// <summary>The lower part: Rss and Swap as pagemap counted them, every other page amount in proportion to Rss.</summary>
    private static SmapsCounters Scale(SmapsCounters c, ulong part, ulong whole, ulong page, ulong size, ulong swap)
    {
        var lower = new SmapsCounters { Size = size, KernelPageSize = c.KernelPageSize, MMUPageSize = c.MMUPageSize, VmFlags = c.VmFlags };
        foreach (var (get, set) in SmapsCounters.PageAmounts)
            set(lower, get(c) is not ulong x ? null : whole == 0 ? 0 : Math.Min(x, (ulong)Math.Round((double)x * part / whole / page) * page));
        if (c.Rss is not null) lower.Rss = part;
        if (c.Swap is ulong sw)
        {
            lower.Swap = swap;
            lower.SwapPss = c.SwapPss is ulong sp && sw > 0 ? sp * swap / sw : c.SwapPss;
        }
        return lower;
    }

    /// <summary>The upper part: what the VMA has beyond the lower part, counter by counter.</summary>
    private static SmapsCounters Remainder(SmapsCounters c, SmapsCounters lower, ulong size)
    {
        var upper = new SmapsCounters { Size = size, KernelPageSize = c.KernelPageSize, MMUPageSize = c.MMUPageSize, VmFlags = c.VmFlags };
        foreach (var (get, set) in SmapsCounters.PageAmounts)
            set(upper, get(c) is ulong x ? x - Math.Min(x, get(lower) ?? 0) : null);
        return upper;
    }
}
