using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>One VMA: where it is, what the kernel counts in it, and (after classification) who owns it.</summary>
public sealed class Region(int index, MapsEntry map, SmapsCounters? counters)
{
    public int Index { get; } = index;
    public MapsEntry Map { get; } = map;
    public SmapsCounters? Counters { get; } = counters;
    public Attribution? Attribution { get; internal set; }
    /// <summary>Computed from the mapping and its counters on each use: a value, so a region carries no copy of it.</summary>
    public Figures Figures => Figures.Of(Map, Counters);
    /// <summary>Set when this region is one part of a VMA the kernel merged from two owners' mappings: why and how it was divided.</summary>
    public string? SplitNote { get; init; }

    /// <summary>The same mapping with no owner yet: what a second analysis of a snapshot classifies.</summary>
    public Region Unowned() => new(Index, Map, Counters) { SplitNote = SplitNote };

    public ulong Start => Map.Start;
    public ulong End => Map.End;
    public ulong Size => Map.Size;
    public bool Contains(ulong address) => address >= Start && address < End;
    /// <summary>Anonymous and private, the kind of region every runtime allocator makes.</summary>
    public bool IsPrivateAnonymous => Map.Path.Length == 0 && Map.Inode == 0 && !Map.Shared;
    /// <summary>The region containing an address, by binary search over regions sorted by address.</summary>
    public static Region? Find(IReadOnlyList<Region> regions, ulong address)
    {
        int lo = 0, hi = regions.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var r = regions[mid];
            if (address < r.Start) hi = mid - 1;
            else if (address >= r.End) lo = mid + 1;
            else return r;
        }
        return null;
    }

    public override string ToString() => $"{Start:x}-{End:x} {Map.Perms} {Map.Path}";
}
