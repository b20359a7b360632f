using Memlens.Core.Model;

namespace Memlens.Core.Accounting;

/// <summary>One owner's regions and their summed figures.</summary>
public sealed record OwnerGroup(Owner Owner, Figures Figures, IReadOnlyList<Region> Regions)
{
    public string Kind => Owner.Kind;
}

/// <summary>One kind's owners; the kind's figures are the sum of its owners'.</summary>
public sealed record KindGroup(string Kind, Figures Figures, IReadOnlyList<OwnerGroup> Owners);

/// <summary>The breakdown tree: process → kinds → owners → regions. Children always sum to their parent.</summary>
public sealed record Breakdown(Figures Total, IReadOnlyList<KindGroup> Kinds)
{
    public static Breakdown Of(IReadOnlyList<Region> regions)
    {
        // One pass with a dictionary: a process can have 60,000 regions. Most share an owner object (rules reuse
        // theirs), so the owner is looked up by reference first and compared by value (a record's hash) only once.
        var byOwner = new Dictionary<Owner, (FiguresSum Sum, List<Region> Regions)>();
        var byReference = new Dictionary<Owner, (FiguresSum Sum, List<Region> Regions)>(ReferenceEqualityComparer.Instance);
        var total = new FiguresSum();
        foreach (var r in regions)
        {
            var key = r.Attribution!.Owner;
            if (!byReference.TryGetValue(key, out var entry))
            {
                if (!byOwner.TryGetValue(key, out entry)) byOwner[key] = entry = (new FiguresSum(), []);
                byReference[key] = entry;
            }
            var figures = r.Figures;
            entry.Sum.Add(figures);
            entry.Regions.Add(r);
            total.Add(figures);
        }
        var owners = byOwner.Select(kv => new OwnerGroup(kv.Key, kv.Value.Sum.ToFigures(), kv.Value.Regions)).ToList();
        var kinds = owners.GroupBy(o => o.Kind)
            .Select(g =>
            {
                var list = g.OrderByDescending(o => o.Figures.Rss ?? 0).ThenByDescending(o => o.Figures.Virtual).ThenBy(o => o.Owner.Label, StringComparer.Ordinal).ToList();
                return new KindGroup(g.Key, Figures.Sum(list.Select(o => o.Figures)), list);
            })
            .OrderByDescending(k => k.Figures.Rss ?? 0).ThenByDescending(k => k.Figures.Virtual).ThenBy(k => k.Kind, StringComparer.Ordinal)
            .ToList();
        return new Breakdown(total.ToFigures(), kinds);
    }

    public IEnumerable<OwnerGroup> AllOwners => Kinds.SelectMany(k => k.Owners);
    public KindGroup? Kind(string kind) => Kinds.FirstOrDefault(k => k.Kind == kind);
}
