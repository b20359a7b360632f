using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>One VMA: where it is, what the kernel counts in it, and (after classification) who owns it.</summary>
public sealed class Region(int index, MapsEntry map, SmapsCounters? counters)
{
    public int Index { get; } = index;
    public MapsEntry Map { get; } = map;
    public SmapsCounters? Counters { get; } = counters;
    public Attribution? Attribution { get; internal set; }
    public Figures Figures { get; } = Figures.Of(map, counters);
    /// <summary>Set when this region is one part of a VMA the kernel merged from two owners' mappings: why and how it was divided.</summary>
    public string? SplitNote { get; init; }

    public ulong Start => Map.Start;
    public ulong End => Map.End;
    public ulong Size => Map.Size;
    public bool Contains(ulong address) => address >= Start && address < End;
    /// <summary>Anonymous and private, the kind of region every runtime allocator makes.</summary>
    public bool IsPrivateAnonymous => Map.Path.Length == 0 && Map.Inode == 0 && !Map.Shared;
    public override string ToString() => $"{Start:x}-{End:x} {Map.Perms} {Map.Path}";
}
