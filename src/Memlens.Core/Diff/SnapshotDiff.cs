using System.Text.RegularExpressions;
using Memlens.Core.Accounting;
using Memlens.Core.Model;

namespace Memlens.Core.Diff;

/// <summary>How one owner changed between two moments.</summary>
public sealed record OwnerChange(string Kind, string Identity, string Change, Figures Before, Figures After,
    IReadOnlyList<string> Appeared, IReadOnlyList<string> Vanished);

/// <summary>
/// Two snapshots of one program, compared owner by owner. Owners are matched by identity, not address: every glibc
/// arena is "glibc malloc arenas", a thread's stack is matched by the thread's name, so an arena that moved or a
/// thread that was re-created is the same kind of owner.
/// </summary>
public static partial class SnapshotDiff
{
    public const int MaxRegionsListed = 20;

    public static string Identity(Attribution a)
    {
        if (a.Owner.StartsWith("glibc malloc arena ", StringComparison.Ordinal)) return "glibc malloc arenas";
        var thread = ThreadOwner().Match(a.Owner);
        if (thread.Success) return thread.Groups[2].Success ? "main thread stack" : $"thread stack ({thread.Groups[1].Value})";
        return a.Owner;
    }

    public static (IReadOnlyList<OwnerChange> Changes, Figures Before, Figures After) Compare(ProcessSnapshot a, ProcessSnapshot b)
    {
        var before = Group(a);
        var after = Group(b);
        var changes = new List<OwnerChange>();
        foreach (var key in before.Keys.Union(after.Keys))
        {
            var fa = before.TryGetValue(key, out var x) ? Figures.Sum(x.Select(r => r.Figures)) : Figures.Zero;
            var fb = after.TryGetValue(key, out var y) ? Figures.Sum(y.Select(r => r.Figures)) : Figures.Zero;
            var ra = (x ?? []).Select(Range).ToHashSet();
            var rb = (y ?? []).Select(Range).ToHashSet();
            string change = x is null ? "appeared" : y is null ? "vanished"
                : fb.Virtual > fa.Virtual || (fb.Rss ?? 0) > (fa.Rss ?? 0) ? "grew"
                : fb.Virtual < fa.Virtual || (fb.Rss ?? 0) < (fa.Rss ?? 0) ? "shrank"
                : ra.SetEquals(rb) && fa == fb ? "same" : "moved";
            changes.Add(new OwnerChange(key.Kind, key.Identity, change, fa, fb,
                rb.Except(ra).Take(MaxRegionsListed).ToList(), ra.Except(rb).Take(MaxRegionsListed).ToList()));
        }
        var ordered = changes.OrderByDescending(c => Math.Abs((long)(c.After.Rss ?? 0) - (long)(c.Before.Rss ?? 0)))
            .ThenByDescending(c => Math.Abs((long)c.After.Virtual - (long)c.Before.Virtual)).ToList();
        return (ordered, Breakdown.Of(a.Regions).Total, Breakdown.Of(b.Regions).Total);
    }

    private static Dictionary<(string Kind, string Identity), List<Region>> Group(ProcessSnapshot s) =>
        s.Regions.GroupBy(r => (r.Attribution!.Kind, Identity(r.Attribution))).ToDictionary(g => g.Key, g => g.ToList());

    private static string Range(Region r) => $"{r.Start:x}-{r.End:x} {r.Map.Perms}";

    [GeneratedRegex(@"^thread \d+ \((.*?)(, main)?\)$")]
    private static partial Regex ThreadOwner();
}
