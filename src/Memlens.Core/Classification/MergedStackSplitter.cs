using Memlens.Core.Model;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Runtimes.Stacks;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Classification;

/// <summary>
/// Before Linux 6.7 (which marks MAP_STACK mappings VM_NOHUGEPAGE), a thread stack's rw mapping merges with an
/// adjacent anonymous rw mapping above it — often glibc's mmapped malloc chunks — into one VMA. Where the upper part
/// is proven to be mostly such chunks (IS_MMAPPED headers covering at least half of it) and the stack's size is that of the
/// process's other thread stacks (or glibc's 8 MiB default), the VMA is shown as two regions. Their resident figures
/// are divided by /proc/PID/pagemap; without it (a snapshot that did not record it) the VMA stays whole. A core has
/// no resident figures, so it is always divided.
/// </summary>
public static class MergedStackSplitter
{
    private const ulong DefaultStackBytes = 8 * Bytes.MiB;

    /// <summary>The snapshot's regions with merged stack VMAs divided, or null when there is nothing to divide.</summary>
    public static IReadOnlyList<Region>? Split(ProcessSnapshot snapshot, List<string> warnings)
    {
        var regions = snapshot.Regions;
        if (regions.Count == 0) return null;
        var stacks = new List<(Region Region, ulong Sp)>();
        foreach (var t in snapshot.Threads)
        {
            if (t.Tid == snapshot.Pid || t.Syscall?.StackPointer is not ulong sp) continue;
            var r = Region.Find(regions, sp);
            if (r is not null && r.IsPrivateAnonymous && r.Map.Writable && r.Index > 0 && HasGuardBelow(regions[r.Index - 1], r)) stacks.Add((r, sp));
        }
        var sizes = stacks.Select(s => s.Region.Size).Append(DefaultStackBytes).Distinct().Order().ToList();
        var cuts = new Dictionary<int, (ulong At, string Evidence)>();
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
                cuts[r.Index] = (at, $"the kernel merged a thread stack ({Bytes.Format(size)}, the size of this process's thread stacks) and the {Bytes.Format(r.End - at)} above it, {chunks} glibc mmapped malloc chunk(s) covering {Bytes.Format(covered)} from {Bytes.Hex(at)}, into one VMA {Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)}");
                break;
            }
        }
        if (cuts.Count == 0) return null;
        var result = new List<Region>(regions.Count + cuts.Count);
        foreach (var r in regions)
        {
            if (!cuts.TryGetValue(r.Index, out var cut))
            {
                result.Add(new Region(result.Count, r.Map, r.Counters));
                continue;
            }
            if (!TryDivide(snapshot, r, cut.At, out var lower, out var upper, out string how))
            {
                warnings.Add($"{Bytes.Hex(r.Start)}-{Bytes.Hex(r.End)}: {cut.Evidence}; without pagemap its resident pages cannot be divided, so the whole VMA is shown as the stack");
                result.Add(new Region(result.Count, r.Map, r.Counters));
                continue;
            }
            string note = $"{cut.Evidence}; {how}";
            result.Add(new Region(result.Count, r.Map with { End = cut.At }, lower) { SplitNote = note });
            result.Add(new Region(result.Count, r.Map with { Start = cut.At }, upper) { SplitNote = note });
        }
        return result;
    }

    private static bool HasGuardBelow(Region below, Region stack) =>
        below.End == stack.Start && below.IsPrivateAnonymous && below.Map.NoAccess && below.Size <= ThreadStackRule.MaxGuardBytes;

    /// <summary>
    /// Divides the VMA's counters at the cut: resident and swapped bytes by the pages pagemap finds on each side,
    /// every other counter in the same proportion as resident bytes, rounded to pages; the upper part takes the
    /// remainder, so the two always add up to the kernel's figures for the VMA.
    /// </summary>
    private static bool TryDivide(ProcessSnapshot snapshot, Region r, ulong at, out SmapsCounters? lower, out SmapsCounters? upper, out string how)
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
        how = $"its resident pages are divided by /proc/PID/pagemap: {low.Present} of {low.Present + high.Present} present pages lie in the stack";
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
