using System.Globalization;
using Memlens.Core.Analysis;
using Memlens.Core.Reconciliation;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Machine;

/// <summary>One group of `top`'s rows, with its largest owner when it was examined, and the pid whose address space it shares.</summary>
public sealed record MachineRow(ProcessGroup Group, string? LargestOwner, int? AddressSpaceOf);

/// <summary>The whole machine at one moment: every process swept, grouped and sorted, the top rows examined, and meminfo reconciled.</summary>
public sealed record MachineAnalysis(ProcessSweep.Result Sweep, IReadOnlyList<MachineRow> Rows, MeminfoFile? Meminfo, IReadOnlyList<Check> Checks)
{
    /// <param name="detail">rows that get a full smaps read and classification, for their largest owner.</param>
    public static MachineAnalysis Run(string by, string sort, int top, int detail, ProcRoot proc)
    {
        var (sweep, groups) = SweepAndGroup(by, sort, proc);
        var sharing = sweep.Processes.Where(x => !x.CountsMemory).ToDictionary(x => x.Pid, x => x.SharesAddressSpaceWith!.Value);
        var shown = WithReservations(groups.Take(top).ToList(), sweep.Processes, proc);
        var of = shown.Select(g => g.Pids.Count == 1 && sharing.TryGetValue(g.Pids[0], out int o) ? o : (int?)null).ToArray();
        // memlens itself is not examined: describing its own start-up would cost more than the rest of the detail.
        var largest = new string?[shown.Count];
        Parallel.For(0, Math.Min(detail, shown.Count), i =>
        {
            if (shown[i].Pids.Count == 1 && of[i] is null && shown[i].Pids[0] != Environment.ProcessId) largest[i] = LargestOwner(shown[i].Pids[0], proc);
        });
        var rows = shown.Select((g, i) => new MachineRow(g, largest[i], of[i])).ToList();
        var meminfo = proc.Meminfo();
        var checks = meminfo is null ? [] : MachineView.Reconcile(sweep.Processes, meminfo, sweep.Denied + sweep.Vanished);
        return new MachineAnalysis(sweep, rows, meminfo, checks);
    }

    /// <summary>Every process swept (reading only what grouping <paramref name="by"/> needs), grouped and sorted.</summary>
    public static (ProcessSweep.Result Sweep, IReadOnlyList<ProcessGroup> Groups) SweepAndGroup(string by, string sort, ProcRoot proc)
    {
        var sweep = ProcessSweep.Run(proc, cgroups: by == "cgroup", executables: by == "program");
        var users = Users();
        return (sweep, MachineView.Sort(MachineView.Group(sweep.Processes, by, uid => users.TryGetValue(uid, out var n) ? n : uid.ToString(CultureInfo.InvariantCulture)), sort));
    }

    /// <summary>The shown groups with their reserved-only bytes, from the maps of their processes (each address space once).</summary>
    private static List<ProcessGroup> WithReservations(List<ProcessGroup> shown, IReadOnlyList<SweptProcess> processes, ProcRoot proc)
    {
        var counting = processes.Where(p => p.CountsMemory).Select(p => p.Pid).ToHashSet();
        var pids = shown.SelectMany(g => g.Pids).Where(counting.Contains).Distinct().ToList();
        var reserved = ProcessSweep.Reservations(proc, pids);
        return shown.Select(g => g with { ReservedOnly = g.Pids.Where(counting.Contains).Aggregate(0UL, (sum, pid) => sum + reserved[pid]) }).ToList();
    }

    private static string? LargestOwner(int pid, ProcRoot proc)
    {
        try
        {
            var analysis = Analyzer.Analyze(LiveProcess.Load(pid, proc), withFindings: false);
            // Unattributed memory counts too: the largest owner is the largest share, whoever it is.
            var owner = analysis.Breakdown.AllOwners.MaxBy(o => o.Figures.Pss ?? o.Figures.Rss ?? 0);
            return owner is null ? null : $"{owner.Owner} ({owner.Kind}, PSS {Model.Bytes.Format(owner.Figures.Pss)})";
        }
        catch (MemlensException) { return null; }   // exited or unreadable since the sweep
    }

    /// <summary>User names by uid, from /etc/passwd (names of users from a directory service stay numbers).</summary>
    private static Dictionary<int, string> Users()
    {
        var map = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && int.TryParse(f[2], out int uid)) map.TryAdd(uid, f[0]);
            }
        }
        catch (IOException) { }
        return map;
    }
}
