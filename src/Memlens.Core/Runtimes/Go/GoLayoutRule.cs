using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Go;

/// <summary>
/// Go 1.11+ on linux/amd64 (runtime/malloc.go, mpagealloc_64bit.go), only in a process whose executable is a Go
/// binary: heap arenas at the hint addresses i&lt;&lt;40 | 0x00c0&lt;&lt;32; the page allocator's summary reservations
/// (5 levels, 585 MiB PROT_NONE, plus the scavenger index); and the rw block beside them that holds the 32 MiB
/// arena index (L2 map) and the heap-arena metadata.
/// </summary>
public sealed class GoLayoutRule
{
    public const ulong ArenaBytes = 64 * Bytes.MiB;
    public const ulong ArenaIndexBytes = 32 * Bytes.MiB;
    /// <summary>At most, per 64 MiB heap arena: its heapArena struct (2 MiB of bitmap up to Go 1.19, less since) and mspans.</summary>
    public const ulong MetadataPerArenaBytes = 4 * Bytes.MiB;
    /// <summary>Other persistentalloc'd runtime structures (256 KiB chunks) that land in the same block.</summary>
    public const ulong MetadataSlackBytes = 16 * Bytes.MiB;
    /// <summary>At most resident per heap arena: its heapArena struct (2 MiB of bitmap up to Go 1.19) and its index entry's page.</summary>
    public const ulong MetadataResidentPerArenaBytes = 2560 * Bytes.KiB;
    /// <summary>2^14+2^17+2^20+2^23+2^26 summaries of 8 bytes: 128 KiB + 1 + 8 + 64 + 512 MiB.</summary>
    public const ulong SummaryBytes = (128 * Bytes.KiB) + ((1 + 8 + 64 + 512) * Bytes.MiB);
    /// <summary>Largest plausible summaries run: summaries + a 512 MiB scavenger index (Go 1.21+) + slack for the chunk maps.</summary>
    public const ulong MaxSummaryRunBytes = SummaryBytes + (512 * Bytes.MiB) + (64 * Bytes.MiB);

    /// <summary>Runs before the stack rule: arenas hold goroutine and (without cgo) g0 stacks, which must not be taken as thread stacks.</summary>
    public sealed class Arenas : IClassificationRule
    {
        public void Apply(ClassificationContext context)
        {
            ClaimArenas(context, GoModule.Why(context));
        }
    }

    /// <summary>Runs after the stack and glibc rules, so that a run of reservations holds only what they left.</summary>
    public sealed class Summaries : IClassificationRule
    {
        public void Apply(ClassificationContext context)
        {
            // The summary reservations exist from Go 1.14 (the sparse page allocator); an unknown version may have them.
            string? goVersion = GoModule.Version(context);
            var version = Memlens.Formats.Elf.GoBuildInfo.ParseVersion(goVersion);
            if (version is { } v && (v.Major, v.Minor).CompareTo((1, 14)) < 0) return;
            ClaimSummariesAndIndex(context, GoModule.Why(context, goVersion));
        }
    }


    /// <summary>The hint window of arena hint i: from i&lt;&lt;40 | 0xc0&lt;&lt;32 up to the next TiB. i ≤ 0x3f: the windows above are user arenas and the mmap area.</summary>
    public static bool InArenaHintWindow(ulong address)
    {
        ulong i = address >> 40;
        return i <= 0x3f && (address & ((1UL << 40) - 1)) >= 0xc0UL << 32;
    }

    private static void ClaimArenas(ClassificationContext context, string why)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !InArenaHintWindow(r.Start)) continue;
            ulong hint = (r.Start >> 40 << 40) | (0xc0UL << 32);
            // Before Go 1.11 the heap was one contiguous reservation at the first hint (bitmap, spans array, arena:
            // 8 GiB + 128 GiB in Go 1.4, 544 GiB in 1.5–1.10): a PROT_NONE piece of many GiB is that, not 64 MiB arenas.
            string detail = r.Map.NoAccess
                ? r.Size >= 4 * Bytes.GiB ? "reserved (the pre-1.11 contiguous heap reservation: heap bitmap, spans array and arena in one range)" : "reserved (not grown into yet)"
                : "mapped (in use, idle or released)";
            context.Claim(r, GoRuntimeOwner.HeapArenas, detail,
                $"anonymous mapping in the Go arena hint window starting at {Bytes.Hex(hint)} (mallocinit: i<<40 | 0x00c0<<32), in {why}; arenas are reserved 64 MiB at a time and mapped rw as the heap grows; goroutine stacks live here too", Confidence.Inferred);
        }
    }

    private static void ClaimSummariesAndIndex(ClassificationContext context, string why)
    {
        foreach (var run in context.UnclaimedAnonymousRuns().SelectMany(Stacks.StackShape.Split).ToList())
        {
            // The largest summary level (512 MiB) is mostly unmapped: the run must hold a big PROT_NONE piece.
            int firstNone = run.FindIndex(r => r.Map.NoAccess);
            if (firstNone < 0 || !run.Any(r => r.Map.NoAccess && r.Size >= 64 * Bytes.MiB)) continue;
            // The summaries start at the small committed head of the first level that has a mapped part.
            int start = firstNone > 0 && !run[firstNone - 1].Map.NoAccess && run[firstNone - 1].Size < Bytes.MiB ? firstNone - 1 : firstNone;
            var summaries = run.Skip(start).ToList();
            ulong total = (ulong)summaries.Sum(r => (decimal)r.Size);
            ulong reserved = (ulong)summaries.Where(r => r.Map.NoAccess).Sum(r => (decimal)r.Size);
            if (total < SummaryBytes || total > MaxSummaryRunBytes || reserved * 10 < total * 9) continue;
            // The page allocator maps the summaries of the heap's range as soon as it has one (pageAlloc.grow): a run
            // that is all PROT_NONE is someone's reservation of that size (syscall.Mmap, a C library), not these.
            if (reserved == total) continue;
            foreach (var r in summaries)
                context.Claim(r, GoRuntimeOwner.Summaries, r.Map.NoAccess ? "reserved" : "mapped",
                    $"part of a gap-free run of {summaries.Count} anonymous mappings, {Bytes.Format(total)} of which {Bytes.Format(reserved)} PROT_NONE, in {why}: the page allocator reserves 585 MiB of summaries (5 levels: 128 KiB+1+8+64+512 MiB, Go 1.14+) plus a scavenger index (8 MiB in Go 1.19–1.20, 512 MiB from 1.21), and maps only what the heap's address range needs", Confidence.Inferred);
            var index = run.Take(start).Where(r => !r.Map.NoAccess).ToList();
            ulong indexBytes = (ulong)index.Sum(r => (decimal)r.Size);
            if (indexBytes < ArenaIndexBytes) continue;
            // The kernel also merges into this block whatever the program maps itself below it (syscall.Mmap, cgo):
            // past what the runtime's metadata can be for the arenas it has, the block is not all the runtime's.
            ulong arenas = (ulong)context.Regions.Where(r => r.Attribution?.Owner == GoRuntimeOwner.HeapArenas).Sum(r => (decimal)r.Size) / (64 * Bytes.MiB) + 1;
            ulong most = ArenaIndexBytes + arenas * MetadataPerArenaBytes + MetadataSlackBytes;
            // Resident, the index is a few pages per arena and the metadata at most its heapArena structs.
            ulong indexRss = (ulong)index.Sum(r => (decimal)(r.Counters?.Rss ?? 0));
            ulong mostResident = arenas * MetadataResidentPerArenaBytes + MetadataSlackBytes / 4;
            if (indexBytes > most || indexRss > mostResident)
            {
                foreach (var r in index)
                    context.Hint(r, $"rw anonymous memory, {Bytes.Format(indexBytes)} in all ({Bytes.Format(indexRss)} resident), directly below the Go page-allocator reservations: the Go arena index (32 MiB) and the metadata of {arenas} heap arena(s) are at most {Bytes.Format(most)} ({Bytes.Format(mostResident)} resident), so the kernel has merged other anonymous memory into this VMA — memory the program mapped itself (syscall.Mmap, cgo, a C library), which the runtime does not count");
                continue;
            }
            foreach (var r in index)
                context.Claim(r, GoRuntimeOwner.ArenaIndex, "mapped",
                    $"rw anonymous mapping(s), {Bytes.Format(indexBytes)} in all, directly below the page-allocator reservations in {why}: the 32 MiB arena index (L2 map, counted in no MemStats field) and the per-arena metadata (about 2 MiB per 64 MiB arena up to Go 1.19, counted in GCSys), merged into one VMA by the kernel", Confidence.Inferred);
        }
    }
}
