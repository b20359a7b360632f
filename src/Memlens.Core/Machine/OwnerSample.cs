using System.Text.RegularExpressions;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Sources;

namespace Memlens.Core.Machine;

/// <summary>One owner of a group, its processes' figures summed: an owner name that stays the same from sample to sample.</summary>
public sealed record GroupOwner(string Kind, string Owner, Figures Figures);

/// <summary>
/// A group of processes at one moment: the kernel's figures for all of them (the sweep's smaps_rollup and status), and
/// for the largest of them (<see cref="Examined"/>) every owner from a full classification, with the residuals of
/// their reconciliation checks.
/// </summary>
public sealed record GroupSample(ProcessGroup Group, int Examined, IReadOnlyList<GroupOwner> Kinds, IReadOnlyList<GroupOwner> Owners, IReadOnlyDictionary<string, ulong> Residuals);

/// <summary>What `memlens exporter` samples: the largest groups examined, the rest summed as one.</summary>
public sealed partial record OwnerSample(IReadOnlyList<GroupSample> Groups, ProcessGroup? Rest, ProcessSweep.Result Sweep, TimeSpan Took)
{
    public const string RestKey = "other";

    /// <param name="groups">groups examined (the largest by PSS); the others are summed into <see cref="Rest"/>.</param>
    /// <param name="owners">owners kept per group (the largest by PSS); the others are summed into one "other" owner.</param>
    /// <param name="processesPerGroup">processes classified per group (the largest by PSS), which bounds a scrape's cost.</param>
    public static OwnerSample Take(string by, int groups, int owners, int processesPerGroup, ProcRoot proc)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (sweep, all) = MachineAnalysis.SweepAndGroup(by, "pss", proc);
        var pss = sweep.Processes.ToDictionary(p => p.Pid, p => p.CountsMemory ? p.Pss : 0);
        var examined = all.Take(groups).Select(g => Examine(g, owners, processesPerGroup, pss, proc)).ToList();
        var rest = all.Skip(groups).ToList();
        ProcessGroup? restGroup = rest.Count == 0 ? null : new ProcessGroup(RestKey, rest.Sum(g => g.Processes), rest.Sum(g => g.Threads),
            Sum(rest, g => g.Vsz), Sum(rest, g => g.ReservedOnly), Sum(rest, g => g.Rss), Sum(rest, g => g.Pss), Sum(rest, g => g.Uss), Sum(rest, g => g.Swap), []);
        return new OwnerSample(examined, restGroup, sweep, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private static GroupSample Examine(ProcessGroup group, int keep, int processes, Dictionary<int, ulong> pss, ProcRoot proc)
    {
        var byOwner = new Dictionary<(string Kind, string Owner), FiguresSum>();
        var residuals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int examined = 0;
        foreach (int pid in group.Pids.Where(p => pss.GetValueOrDefault(p) > 0 && p != Environment.ProcessId).OrderByDescending(p => pss[p]).Take(processes))
        {
            ProcessAnalysis analysis;
            try { analysis = Analyzer.Analyze(LiveProcess.Load(pid, proc), withFindings: false); }
            catch (MemlensException) { continue; }   // exited or unreadable since the sweep: its rollup still counts in the group
            examined++;
            foreach (var o in StableOwners(analysis))
            {
                if (!byOwner.TryGetValue((o.Kind, o.Owner), out var sum)) byOwner[(o.Kind, o.Owner)] = sum = new FiguresSum();
                sum.Add(o.Figures);
            }
            foreach (var c in Reconciliation.Reconciler.Check(analysis.Snapshot))
                residuals[c.Name] = residuals.GetValueOrDefault(c.Name) + (c.Actual > c.Expected ? c.Actual - c.Expected : c.Expected - c.Actual);
        }
        var owners = byOwner.Select(kv => new GroupOwner(kv.Key.Kind, kv.Key.Owner, kv.Value.ToFigures())).ToList();
        var kinds = owners.GroupBy(o => o.Kind).Select(k => new GroupOwner(k.Key, "", Figures.Sum(k.Select(o => o.Figures)))).OrderBy(k => k.Kind, StringComparer.Ordinal).ToList();
        var ranked = owners.OrderByDescending(o => o.Figures.Pss ?? o.Figures.Rss ?? 0).ThenBy(o => o.Owner, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(keep).ToList();
        if (ranked.Count > keep) kept.Add(new GroupOwner("other", RestKey, Figures.Sum(ranked.Skip(keep).Select(o => o.Figures))));
        return new GroupSample(group, examined, kinds, kept, residuals);
    }

    /// <summary>One process's owners under their <see cref="Stable"/> names, the owners that share one summed.</summary>
    public static IReadOnlyList<GroupOwner> StableOwners(ProcessAnalysis analysis) =>
        analysis.Breakdown.AllOwners.GroupBy(o => (o.Kind, Owner: Stable(o.Owner.Label)))
            .Select(g => new GroupOwner(g.Key.Kind, g.Key.Owner, Figures.Sum(g.Select(o => o.Figures)))).ToList();

    /// <summary>
    /// An owner's name without what changes from one process or run to the next (a thread's id, an arena's address), so
    /// that a series stays one series: "thread 4711 (worker)" is "thread stacks (worker)".
    /// </summary>
    public static string Stable(string owner)
    {
        var thread = ThreadOwner().Match(owner);
        if (thread.Success) return thread.Groups[1].Success ? $"thread stacks ({thread.Groups[1].Value})" : "thread stacks";
        return Address().Replace(owner, "0x…");
    }

    private static ulong Sum(IEnumerable<ProcessGroup> groups, Func<ProcessGroup, ulong> f) => groups.Aggregate(0UL, (s, g) => s + f(g));

    [GeneratedRegex(@"^thread \d+(?: \((.*)\))?$")]
    private static partial Regex ThreadOwner();

    [GeneratedRegex("0x[0-9a-f]+")]
    private static partial Regex Address();
}
