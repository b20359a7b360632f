using System.Buffers.Binary;
using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Glibc;

/// <summary>
/// glibc's non-main malloc arenas (malloc/arena.c): heaps of HEAP_MAX_SIZE = 64 MiB at 64 MiB-aligned addresses,
/// an rw head (mprotected as the heap grows) and a PROT_NONE tail to the next 64 MiB boundary, the pair counted as
/// one heap. Where the target's memory is readable, the heap_info header at the start confirms it:
/// { ar_ptr, prev, size, mprotect_size } with mprotect_size equal to the rw head.
/// </summary>
public sealed class GlibcArenaRule : IClassificationRule
{
    public const ulong HeapMaxSize = 64 * Bytes.MiB;

    public void Apply(ClassificationContext context)
    {
        if (!context.HasGlibc) return;
        foreach (var head in context.Regions)
        {
            if (context.IsClaimed(head) || !head.IsPrivateAnonymous || !head.Map.Writable || head.Map.Executable) continue;
            if (head.Start % HeapMaxSize != 0 || head.Size > HeapMaxSize) continue;
            var tail = context.Next(head);
            bool hasTail = tail is not null && !context.IsClaimed(tail) && tail.IsPrivateAnonymous && tail.Map.NoAccess
                && context.Adjacent(head, tail) && tail.End == head.Start + HeapMaxSize;
            if (!hasTail && head.Size != HeapMaxSize) continue;
            string layout = hasTail
                ? $"64 MiB-aligned heap at {Bytes.Hex(head.Start)}: {Bytes.Format(head.Size)} rw head + {Bytes.Format(tail!.Size)} PROT_NONE tail to the next 64 MiB boundary (glibc HEAP_MAX_SIZE)"
                : $"64 MiB-aligned, exactly 64 MiB rw at {Bytes.Hex(head.Start)}: a fully grown glibc heap (HEAP_MAX_SIZE)";
            var header = ReadHeapInfo(context.Snapshot.Memory, head.Start);
            if (header is { } h && !Plausible(h, head))
                continue;   // the header contradicts the layout: not an arena heap
            string proof = header is { } hi
                ? $"; heap_info confirms it: ar_ptr={Bytes.Hex(hi.ArPtr)}, size={Bytes.Format(hi.Size)}, mprotect_size={Bytes.Format(hi.MprotectSize)}{(hi.Prev != 0 ? $", continues heap {Bytes.Hex(hi.Prev)}" : "")}"
                : "; heap_info not read (target memory not readable), so this rests on the layout alone";
            ulong arena = header?.ArPtr is ulong p && p != 0 ? Bytes.AlignDown(p, HeapMaxSize) : head.Start;
            var owner = new GlibcArena(arena);
            // Read, the header proves it; unread, glibc is identified by its mapped libc and this is its documented layout.
            var confidence = header is null ? Confidence.Inferred : Confidence.Confirmed;
            context.Claim(head, owner, "heap (committed)", layout + proof, confidence);
            if (hasTail) context.Claim(tail!, owner, "heap (reserved tail)", layout, confidence);
        }
    }

    private readonly record struct HeapInfo(ulong ArPtr, ulong Prev, ulong Size, ulong MprotectSize);

    private static HeapInfo? ReadHeapInfo(IMemoryProbe memory, ulong address)
    {
        Span<byte> b = stackalloc byte[32];
        if (!memory.TryRead(address, b)) return null;
        return new HeapInfo(BinaryPrimitives.ReadUInt64LittleEndian(b), BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[16..]), BinaryPrimitives.ReadUInt64LittleEndian(b[24..]));
    }

    /// <summary>
    /// The header agrees with an arena heap: sizes within HEAP_MAX_SIZE, and either the arena's malloc_state right after
    /// this heap_info (the arena's first heap: ar_ptr = heap + 0x30) or a continuation heap (prev set). The rw head is
    /// not compared with mprotect_size: a thread may grow the heap between reading maps and reading memory.
    /// </summary>
    private static bool Plausible(HeapInfo h, Region head) =>
        h.Size > 0 && h.Size <= HeapMaxSize && h.MprotectSize <= HeapMaxSize && h.Size <= h.MprotectSize + Bytes.MiB
        && (h.ArPtr == head.Start + 0x30 || (h.Prev != 0 && h.ArPtr != 0));
}
