using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>
/// The numbers memlens shows for a region, an owner, a kind or the process, in bytes.
/// Virtual, ReservedOnly and Committed come from maps and are always known; the rest need smaps and are
/// null without it.
/// </summary>
public sealed record Figures(
    int Regions,
    ulong Virtual,
    ulong ReservedOnly,   // no access (---p): address space only, can hold no RAM
    ulong Committed,      // accessible: Virtual − ReservedOnly
    ulong? Rss,
    ulong? Pss,
    ulong? Private,       // Private_Clean + Private_Dirty (USS)
    ulong? Shared,        // Shared_Clean + Shared_Dirty
    ulong? Swap,
    ulong? Anonymous,
    ulong? Dirty)         // Shared_Dirty + Private_Dirty
{
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

    public static Figures Sum(IEnumerable<Figures> all) => all.Aggregate(Zero, (a, b) => a.Plus(b));

    /// <summary>Null stays null: an unknown part makes an unknown sum rather than a wrong one.</summary>
    private static ulong? Add(ulong? a, ulong? b) => a is null || b is null ? null : a + b;
}
