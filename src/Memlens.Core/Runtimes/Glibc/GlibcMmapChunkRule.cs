using System.Buffers.Binary;
using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Glibc;

/// <summary>
/// Large malloc allocations (≥ M_MMAP_THRESHOLD, 128 KiB to 32 MiB) get their own mmap. Each begins with a chunk
/// header { prev_size, size } whose size has the IS_MMAPPED bit (0x2) and is a whole number of pages. Adjacent
/// mappings merge into one VMA, so the rule walks the headers from the start and says how much they cover.
/// Needs the target's memory; without it these regions stay unattributed.
/// </summary>
public sealed class GlibcMmapChunkRule : IClassificationRule
{
    public const ulong MinChunkBytes = 128 * Bytes.KiB;
    public const int MaxChunksPerRegion = 4096;
    private const ulong IsMmapped = 0x2;

    public void Apply(ClassificationContext context)
    {
        if (!context.HasGlibc) return;
        Span<byte> probe = stackalloc byte[16];
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Size < MinChunkBytes) continue;
            if (!context.Snapshot.Memory.TryRead(r.Start, probe))
            {
                ClaimBySize(context, r);
                continue;
            }
            var (chunks, covered) = Walk(context.Snapshot.Memory, r.Start, r.Size, context.PageSize);
            if (chunks == 0 || covered * 2 < r.Size) continue;
            string rest = covered < r.Size
                ? $"; the last {Bytes.Format(r.Size - covered)} are another anonymous mapping merged into the same VMA"
                : "";
            context.Claim(r, GlibcMmappedChunks.Instance, "large allocations",
                $"{chunks} malloc chunk header(s) with IS_MMAPPED set cover {Bytes.Format(covered)} from {Bytes.Hex(r.Start)}: allocations above the mmap threshold, each its own mmap{rest}", Confidence.Confirmed);
        }
    }

    /// <summary>
    /// Memory unreadable (a copy of /proc files): a request of a power-of-two size becomes an mmap of that size plus one
    /// page, for the chunk header (sysmalloc rounds request + SIZE_SZ up to pages). That shape, at or above the mmap
    /// threshold, is a malloc'd block; inferred.
    /// </summary>
    private static void ClaimBySize(ClassificationContext context, Region r)
    {
        ulong request = r.Size - context.PageSize;
        if (r.Map.Executable || request < MinChunkBytes || (request & (request - 1)) != 0) return;
        context.Claim(r, GlibcMmappedChunks.Instance, "large allocations",
            $"an anonymous rw mapping of {Bytes.Format(request)} + one page, the size glibc's malloc maps for a {Bytes.Format(request)} request above the mmap threshold (the page holds the chunk header); memory not readable, so the header was not checked", Confidence.Inferred);
    }

    /// <summary>Follows mmapped-chunk headers from start; how many there are and how many bytes they cover, up to size.</summary>
    internal static (int Chunks, ulong Covered) Walk(IMemoryProbe memory, ulong start, ulong regionSize, ulong page)
    {
        Span<byte> header = stackalloc byte[16];
        ulong offset = 0;
        int chunks = 0;
        while (offset < regionSize && chunks < MaxChunksPerRegion)
        {
            if (!memory.TryRead(start + offset, header)) break;
            ulong prevSize = BinaryPrimitives.ReadUInt64LittleEndian(header);
            ulong sizeField = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            ulong size = sizeField & ~7UL;
            // prev_size of an mmapped chunk is the alignment correction, under a page.
            bool valid = (sizeField & IsMmapped) != 0 && prevSize < page && size >= page && (size + prevSize) % page == 0 && offset + size + prevSize <= regionSize;
            if (!valid) break;
            offset += size + prevSize;
            chunks++;
        }
        return (chunks, offset);
    }
}
