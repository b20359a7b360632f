using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.BrkHeap;

/// <summary>The brk heap, named by the allocator that grows it: glibc's main arena, gperftools tcmalloc's page heap, musl's malloc.</summary>
/// <param name="Grower">"glibc malloc", "tcmalloc", "musl malloc", or null when no allocator is identified.</param>
public sealed record BrkHeapOwner(string? Grower) : Owner, IMallocArena
{
    public override string Kind => Kinds.NativeHeap;
    public override string Label => Grower switch
    {
        "glibc malloc" => "brk heap (glibc main arena)",
        "tcmalloc" => "brk heap (tcmalloc page heap)",
        "musl malloc" => "brk heap (musl malloc)",
        _ => "brk heap",
    };
    public string Allocator => Grower ?? "brk";
}
