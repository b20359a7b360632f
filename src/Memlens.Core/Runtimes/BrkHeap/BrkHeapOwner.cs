using Memlens.Core.Model;
using Memlens.Core.Runtimes.Glibc;

namespace Memlens.Core.Runtimes.BrkHeap;

/// <summary>The brk heap: glibc's main arena when glibc is the allocator.</summary>
public sealed record BrkHeapOwner(bool MainArena) : Owner, IMallocArena
{
    public override string Kind => Kinds.NativeHeap;
    public override string Label => MainArena ? "brk heap (glibc main arena)" : "brk heap";
    public string Allocator => MainArena ? GlibcNames.Allocator : "brk";
}

