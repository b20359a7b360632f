using System.Buffers.Binary;
using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.BrkHeap;

/// <summary>
/// [heap]: the brk area (vma_is_initial_heap). With glibc, it is malloc's main arena. A core dump does not record the
/// name, so there the brk heap is the lowest anonymous rw mapping inside the window above the executable where the
/// kernel puts the program break.
/// </summary>
public sealed class BrkHeapRule : IClassificationRule
{
    /// <summary>arch_randomize_brk on x86-64 moves the break up to 1 GiB above the end of the executable's bss (32 MiB before Linux 6.9).</summary>
    public const ulong BrkRandomizationWindow = 1UL << 30;

    /// <summary>glibc ≥ 2.26 allocates its per-thread cache (0x290 bytes, PREV_INUSE set) as the first chunk of the arena that serves main's first malloc.</summary>
    private const ulong TcacheChunkSizeField = 0x291;

    public void Apply(ClassificationContext context)
    {
        // gperftools tcmalloc tries sbrk first; musl's malloc takes its meta areas from brk; otherwise glibc's main arena.
        var owner = new BrkHeapOwner(context.Uses("tcmalloc") ? "tcmalloc" : context.Uses("musl") ? "musl malloc" : context.HasGlibc ? Glibc.GlibcNames.Allocator : null);
        foreach (var r in context.Regions)
        {
            if (r.Map.Path != "[heap]" || context.IsClaimed(r)) continue;
            string evidence = owner.Grower switch
            {
                Glibc.GlibcNames.Allocator => "the kernel names it [heap]: the brk area, which glibc malloc uses as its main arena",
                { } grower => $"the kernel names it [heap]: the brk area, which {grower} grows with sbrk",
                null => "the kernel names it [heap]: the brk area (program break)",
            };
            context.Claim(r, owner, "heap", evidence, Confidence.Confirmed);
        }
        if (!context.Snapshot.RecordsRegionNames) ClaimByPlace(context, owner);
    }

    private static void ClaimByPlace(ClassificationContext context, BrkHeapOwner owner)
    {
        string? exe = context.Snapshot.Exe;
        var image = context.Regions.Where(r => r.Map.FileBacked && r.Map.FilePath == exe).ToList();
        if (image.Count == 0) return;
        // The executable's bss continues in the anonymous mapping right after its last segment, when there is one.
        var last = image.MaxBy(r => r.End)!;
        var bss = context.Next(last);
        ulong end = bss is not null && context.Adjacent(last, bss) && !bss.Map.FileBacked && bss.Map.Path.Length == 0 ? bss.End : last.End;
        var heap = context.Regions.FirstOrDefault(r => r.Start >= end && r.Start - end <= BrkRandomizationWindow
            && !r.Map.FileBacked && r.Map.Path.Length == 0 && r.Map.Perms == "rw-p" && !context.IsClaimed(r));
        if (heap is null) return;
        string evidence = $"a core does not record the [heap] name: this anonymous rw mapping starts {Bytes.Format(heap.Start - end)} above the end of the executable's image, inside the {Bytes.Format(BrkRandomizationWindow)} window where the kernel places the program break (arch_randomize_brk), far below where mmap hands out space from the top down";
        Span<byte> header = stackalloc byte[16];
        if (context.HasGlibc && context.Snapshot.Memory.TryRead(heap.Start, header)
            && BinaryPrimitives.ReadUInt64LittleEndian(header) == 0 && BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) == TcacheChunkSizeField)
            evidence += "; its first chunk is glibc's tcache block (size field 0x291)";
        context.Claim(heap, owner, "heap", evidence, Confidence.Inferred);
    }
}
