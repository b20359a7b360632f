using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Glibc;

public static class GlibcNames
{
    public const string Module = "glibc";
    public const string Allocator = "glibc malloc";

    /// <summary>glibc's C library by its file name: libc.so.6, or libc-2.NN.so before glibc 2.34.</summary>
    public static bool IsLibc(string path)
    {
        var name = System.IO.Path.GetFileName(path.AsSpan());
        return name.StartsWith("libc.so", StringComparison.Ordinal) || name.StartsWith("libc-2.", StringComparison.Ordinal);
    }
}

/// <summary>One of glibc's non-main malloc arenas, known by the arena's address (its first heap's 64 MiB boundary).</summary>
public sealed record GlibcArena(ulong Base) : Owner, IMallocArena
{
    public override string Kind => Kinds.NativeHeap;
    public override string Label => $"glibc malloc arena {Bytes.Hex(Base)}";
    /// <summary>Arenas come and go with threads: across two moments they are compared as one.</summary>
    public override string Identity => "glibc malloc arenas";
    public string Allocator => GlibcNames.Allocator;
}

/// <summary>Allocations above the mmap threshold, each its own mapping with an IS_MMAPPED chunk header.</summary>
public sealed record GlibcMmappedChunks : Owner, IMallocArena
{
    public static readonly GlibcMmappedChunks Instance = new();
    public override string Kind => Kinds.NativeHeap;
    public override string Label => "glibc malloc mmapped chunks";
    public string Allocator => GlibcNames.Allocator;
}
