using Memlens.Core.Model;

namespace Memlens.Core.Accounting;

/// <summary>One owner's regions and their summed figures.</summary>
public sealed record OwnerGroup(string Kind, string Owner, Figures Figures, IReadOnlyList<Region> Regions);

/// <summary>One kind's owners; the kind's figures are the sum of its owners'.</summary>
public sealed record KindGroup(string Kind, Figures Figures, IReadOnlyList<OwnerGroup> Owners);

/// <summary>The breakdown tree: process → kinds → owners → regions. Children always sum to their parent.</summary>
public sealed record Breakdown(Figures Total, IReadOnlyList<KindGroup> Kinds)
{
    public static Breakdown Of(IReadOnlyList<Region> regions)
    {
        var owners = regions
            .GroupBy(r => (r.Attribution!.Kind, r.Attribution.Owner))
            .Select(g => new OwnerGroup(g.Key.Kind, g.Key.Owner, Figures.Sum(g.Select(r => r.Figures)), g.ToList()))
            .ToList();
        var kinds = owners.GroupBy(o => o.Kind)
            .Select(g =>
            {
                var list = g.OrderByDescending(o => o.Figures.Rss ?? 0).ThenByDescending(o => o.Figures.Virtual).ThenBy(o => o.Owner, StringComparer.Ordinal).ToList();
                return new KindGroup(g.Key, Figures.Sum(list.Select(o => o.Figures)), list);
            })
            .OrderByDescending(k => k.Figures.Rss ?? 0).ThenByDescending(k => k.Figures.Virtual).ThenBy(k => k.Kind, StringComparer.Ordinal)
            .ToList();
        return new Breakdown(Figures.Sum(regions.Select(r => r.Figures)), kinds);
    }

    public IEnumerable<OwnerGroup> AllOwners => Kinds.SelectMany(k => k.Owners);
    public KindGroup? Kind(string kind) => Kinds.FirstOrDefault(k => k.Kind == kind);
}
