using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>
/// The numbers memlens shows for a region, an owner, a kind or the process, in bytes.
/// Virtual, ReservedOnly and Committed come from maps and are always known; the rest need smaps and are
/// null without it.
/// </summary>
public readonly record struct Figures
{
    /// <summary>A value, not an object: a region's figures are computed when asked for, never stored per region.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public Figures(int regions, ulong @virtual, ulong reservedOnly, ulong committed, ulong? rss, ulong? pss, ulong? @private,
        ulong? shared, ulong? swap, ulong? anonymous, ulong? dirty)
    {
        Regions = regions; Virtual = @virtual; ReservedOnly = reservedOnly; Committed = committed; Rss = rss; Pss = pss;
        Private = @private; Shared = shared; Swap = swap; Anonymous = anonymous; Dirty = dirty;
    }

    public int Regions { get; init; }
    public ulong Virtual { get; init; }
    /// <summary>No access (---p): address space only, can hold no RAM.</summary>
    public ulong ReservedOnly { get; init; }
    /// <summary>Accessible: Virtual − ReservedOnly.</summary>
    public ulong Committed { get; init; }
    public ulong? Rss { get; init; }
    public ulong? Pss { get; init; }
    /// <summary>Private_Clean + Private_Dirty (USS).</summary>
    public ulong? Private { get; init; }
    /// <summary>Shared_Clean + Shared_Dirty.</summary>
    public ulong? Shared { get; init; }
    public ulong? Swap { get; init; }
    public ulong? Anonymous { get; init; }
    /// <summary>Shared_Dirty + Private_Dirty.</summary>
    public ulong? Dirty { get; init; }

    public static readonly Figures Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static Figures Of(MapsEntry map, SmapsCounters? c)
    {
        ulong reserved = map.NoAccess ? map.Size : 0;
        return new Figures(1, map.Size, reserved, map.Size - reserved,
            c?.Rss, c?.Pss,
            Add(c?.Private_Clean, c?.Private_Dirty), Add(c?.Shared_Clean, c?.Shared_Dirty),
            c?.Swap, c?.Anonymous, Add(c?.Shared_Dirty, c?.Private_Dirty));
    }

    public Figures Plus(Figures o) => new(Regions + o.Regions, Virtual + o.Virtual, ReservedOnly + o.ReservedOnly, Committed + o.Committed,
        Add(Rss, o.Rss), Add(Pss, o.Pss), Add(Private, o.Private), Add(Shared, o.Shared), Add(Swap, o.Swap), Add(Anonymous, o.Anonymous), Add(Dirty, o.Dirty));

    public static Figures Sum(IEnumerable<Figures> all)
    {
        var sum = new FiguresSum();
        foreach (var f in all) sum.Add(f);
        return sum.ToFigures();
    }

    /// <summary>Null stays null: an unknown part makes an unknown sum rather than a wrong one.</summary>
    private static ulong? Add(ulong? a, ulong? b) => a is null || b is null ? null : a + b;
}

/// <summary>A mutable running sum of <see cref="Figures"/>, for sums over many regions without a record per step.</summary>
public sealed class FiguresSum
{
    private int _regions;
    private ulong _virtual, _reserved, _committed;
    private ulong _rss, _pss, _private, _shared, _swap, _anonymous, _dirty;
    private bool _rssUnknown, _pssUnknown, _privateUnknown, _sharedUnknown, _swapUnknown, _anonymousUnknown, _dirtyUnknown;

    public void Add(Figures f)
    {
        _regions += f.Regions;
        _virtual += f.Virtual;
        _reserved += f.ReservedOnly;
        _committed += f.Committed;
        Add(ref _rss, ref _rssUnknown, f.Rss);
        Add(ref _pss, ref _pssUnknown, f.Pss);
        Add(ref _private, ref _privateUnknown, f.Private);
        Add(ref _shared, ref _sharedUnknown, f.Shared);
        Add(ref _swap, ref _swapUnknown, f.Swap);
        Add(ref _anonymous, ref _anonymousUnknown, f.Anonymous);
        Add(ref _dirty, ref _dirtyUnknown, f.Dirty);
    }

    public Figures ToFigures() => new(_regions, _virtual, _reserved, _committed,
        _rssUnknown ? null : _rss, _pssUnknown ? null : _pss, _privateUnknown ? null : _private, _sharedUnknown ? null : _shared,
        _swapUnknown ? null : _swap, _anonymousUnknown ? null : _anonymous, _dirtyUnknown ? null : _dirty);

    private static void Add(ref ulong sum, ref bool unknown, ulong? value)
    {
        if (value is ulong v) sum += v;
        else unknown = true;
    }
}
