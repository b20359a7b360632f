using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Go;

/// <summary>The parts of a Go process's memory the runtime maps itself (runtime/malloc.go, mpagealloc_64bit.go).</summary>
public enum GoPart { HeapArenas, ArenaIndex, Summaries, OffHeap }

public sealed record GoRuntimeOwner(GoPart Part) : Owner
{
    public static readonly GoRuntimeOwner HeapArenas = new(GoPart.HeapArenas);
    public static readonly GoRuntimeOwner ArenaIndex = new(GoPart.ArenaIndex);
    public static readonly GoRuntimeOwner Summaries = new(GoPart.Summaries);
    public static readonly GoRuntimeOwner OffHeap = new(GoPart.OffHeap);

    public override string Kind => Kinds.Go;
    public override string Label => Part switch
    {
        GoPart.HeapArenas => "Go heap arenas",
        GoPart.ArenaIndex => "Go arena index and heap-arena metadata",
        GoPart.Summaries => "Go page-allocator summaries and scavenger index",
        _ => "Go runtime off-heap memory",
    };
}
