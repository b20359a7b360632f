using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Go;

/// <summary>
/// In a Go program that maps no libc (CGO_ENABLED=0, statically linked), only the Go runtime calls mmap, so every
/// anonymous mapping left over is the runtime's off-heap memory (persistentalloc, fixalloc, GC metadata).
/// With cgo, C code maps memory too, so nothing is claimed without further evidence.
/// </summary>
public sealed class GoRemainderRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        if (context.HasGlibc || context.MapsLibrary("libc.musl") || context.MapsLibrary("ld-musl") || context.MapsLibrary("ld-linux"))
        {
            ClaimWithCgo(context);
            return;
        }
        // The binary's own word: a dynamic loader, or a cgo build, means C code can map memory here too.
        if (context.ExeLayout is { } exe
            && (exe.Interpreter is not null || (exe.GoSettings?.TryGetValue("CGO_ENABLED", out var cgo) == true && cgo == "1"))) return;
        // Some other code is loaded: more than one file is mapped executable.
        if (context.Regions.Where(r => r.Map.FileBacked && r.Map.Executable).Select(r => r.Map.FilePath).Distinct().Skip(1).Any()) return;
        string why = GoModule.Why(context);
        ClaimOldArenaIndex(context, why);
        foreach (var r in context.Regions)
        {
            // A block the layout rule found too large to be all the runtime's keeps its hint, unattributed.
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || context.HintFor(r) is not null) continue;
            context.Claim(r, GoRuntimeOwner.OffHeap, r.Map.NoAccess ? "reserved" : "mapped",
                "anonymous mapping in a Go program that loads no C library (statically linked, no cgo): the Go runtime maps memory here (persistentalloc chunks, mspan/mcache fixalloc, GC metadata, page-allocator chunk bitmaps), and so does a program that calls syscall.Mmap itself (off-heap caches); a metrics page tells them apart (Sys − HeapSys − StackSys is the runtime's part)", Confidence.Inferred);
        }
    }

    /// <summary>
    /// With cgo, C code maps memory too, but glibc's malloc — which C code uses — is proved by its own headers before
    /// this rule runs. What is left in a Go process whose memory is readable — anonymous runs with an rw piece whose
    /// first bytes are no malloc chunk header — is the Go runtime's off-heap memory (persistentalloc's 256 KiB chunks,
    /// fixalloc, GC metadata) by elimination; inferred, and the evidence says what it cannot exclude.
    /// </summary>
    private static void ClaimWithCgo(ClassificationContext context)
    {
        // A small PROT_NONE guard below an rw mapping is a pthread stack's shape: the stack rules judge those.
        foreach (var run in context.UnclaimedAnonymousRuns().SelectMany(Stacks.StackShape.Split).ToList())
        {
            var rw = run.Where(r => r.Map.Writable && !r.Map.Executable).ToList();
            if (rw.Count == 0 || run.Any(r => context.HintFor(r) is not null) || !rw.All(r => NoMallocHeader(context, r))) continue;
            foreach (var r in run)
                context.Claim(r, GoRuntimeOwner.OffHeap, r.Map.NoAccess ? "reserved" : "mapped",
                    $"anonymous mapping in a cgo Go process ({GoModule.Why(context)}) that glibc's malloc did not make (its first bytes are no IS_MMAPPED chunk header, memory read): by elimination the Go runtime's off-heap memory (persistentalloc chunks, fixalloc, GC metadata); memory a C library mapped by itself would look the same", Confidence.Inferred);
        }
    }

    /// <summary>True when the region's first bytes are readable and are no IS_MMAPPED malloc chunk header.</summary>
    private static bool NoMallocHeader(ClassificationContext context, Region r)
    {
        Span<byte> header = stackalloc byte[16];
        return context.Snapshot.Memory.TryRead(r.Start, header)
            && Glibc.GlibcMmapChunkRule.Walk(context.Snapshot.Memory, r.Start, r.Size, context.PageSize).Chunks == 0;
    }

    /// <summary>
    /// Before Go 1.14 there are no summary reservations to find the arena index beside: it is the one rw block of
    /// 32 MiB or more outside the arena window (the L2 arena map, 4M entries of 8 bytes on linux/amd64), with the
    /// heap-arena metadata and other persistentalloc chunks the kernel merged into it.
    /// </summary>
    private static void ClaimOldArenaIndex(ClassificationContext context, string why)
    {
        var version = Memlens.Formats.Elf.GoBuildInfo.ParseVersion(GoModule.Version(context));
        if (version is { } v && (v.Major, v.Minor).CompareTo((1, 14)) >= 0) return;
        if (context.Regions.Any(r => r.Attribution?.Owner == GoRuntimeOwner.Summaries)) return;
        var block = context.Regions.Where(r => !context.IsClaimed(r) && r.IsPrivateAnonymous && r.Map.Writable
                && !GoLayoutRule.InArenaHintWindow(r.Start) && r.Size >= GoLayoutRule.ArenaIndexBytes)
            .MaxBy(r => r.Size);
        if (block is null) return;
        context.Claim(block, GoRuntimeOwner.ArenaIndex, "mapped",
            $"the one rw anonymous mapping of {Bytes.Format(block.Size)} (≥ 32 MiB) outside the arena window in {why}, with no page-allocator summaries (Go before 1.14 has none): the 32 MiB arena index (L2 map, counted in no MemStats field) with the heap-arena metadata (counted in GCSys) and other runtime allocations merged into one VMA by the kernel", Confidence.Inferred);
    }
}
