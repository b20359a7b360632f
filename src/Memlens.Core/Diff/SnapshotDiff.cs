using Memlens.Core.Analysis;
using Memlens.Core.Model;

namespace Memlens.Core.Diff;

/// <summary>How one owner changed between two moments.</summary>
public sealed record OwnerChange(string Kind, string Identity, string Change, Figures Before, Figures After,
    IReadOnlyList<string> Appeared, IReadOnlyList<string> Vanished);

/// <summary>
/// Two snapshots of one program, compared owner by owner. Owners are matched by identity, not address: every glibc
/// arena is "glibc malloc arenas", a thread's stack is matched by the thread's name (<see cref="Owner.Identity"/>), so an arena that moved or a
/// thread that was re-created is the same kind of owner.
/// </summary>
public static class SnapshotDiff
{
    public const int MaxRegionsListed = 20;

    /// <param name="names">thread names known from either side, for a side that has none (a core dump).</param>
    public static string Identity(Owner owner, IReadOnlyDictionary<int, string>? names = null) =>
        owner is ThreadStackOwner { IsMain: false, Name: null or "?" } t && names is not null && names.TryGetValue(t.Tid, out var known)
            ? (t with { Name = known }).Identity
            : owner.Identity;

    public static (IReadOnlyList<OwnerChange> Changes, Figures Before, Figures After) Compare(ProcessAnalysis a, ProcessAnalysis b)
    {
        var names = a.Snapshot.Threads.Concat(b.Snapshot.Threads).Where(t => t.Name is not null).GroupBy(t => t.Tid).ToDictionary(g => g.Key, g => g.First().Name!);
        var before = Group(a, names);
        var after = Group(b, names);
        var changes = new List<OwnerChange>();
        foreach (var key in before.Keys.Union(after.Keys))
        {
            var fa = before.TryGetValue(key, out var x) ? Figures.Sum(x.Select(r => r.Figures)) : Figures.Zero;
            var fb = after.TryGetValue(key, out var y) ? Figures.Sum(y.Select(r => r.Figures)) : Figures.Zero;
            var ra = (x ?? []).Select(Range).ToHashSet();
            var rb = (y ?? []).Select(Range).ToHashSet();
            // RSS counts only when both sides know it (a core or a maps-only snapshot does not).
            bool rss = fa.Rss is not null && fb.Rss is not null;
            string change = x is null ? "appeared" : y is null ? "vanished"
                : fb.Virtual > fa.Virtual || (rss && fb.Rss > fa.Rss) ? "grew"
                : fb.Virtual < fa.Virtual || (rss && fb.Rss < fa.Rss) ? "shrank"
                : ra.SetEquals(rb) && (fa == fb || !rss) ? "same" : "moved";
            changes.Add(new OwnerChange(key.Kind, key.Identity, change, fa, fb,
                rb.Except(ra).Take(MaxRegionsListed).ToList(), ra.Except(rb).Take(MaxRegionsListed).ToList()));
        }
        var ordered = changes.OrderByDescending(c => Math.Abs((long)(c.After.Rss ?? 0) - (long)(c.Before.Rss ?? 0)))
            .ThenByDescending(c => Math.Abs((long)c.After.Virtual - (long)c.Before.Virtual)).ToList();
        return (ordered, a.Breakdown.Total, b.Breakdown.Total);
    }

    private static Dictionary<(string Kind, string Identity), List<Region>> Group(ProcessAnalysis s, IReadOnlyDictionary<int, string> names) =>
        s.Regions.GroupBy(r => (r.Attribution!.Kind, Identity(r.Attribution.Owner, names))).ToDictionary(g => g.Key, g => g.ToList());

    private static string Range(Region r) => $"{r.Start:x}-{r.End:x} {r.Map.Perms}";
}
