using Memlens.Core;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Machine;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

public static class TopReportBuilder
{
    public static readonly string[] MeminfoKeys = ["MemTotal", "MemAvailable", "AnonPages", "Mapped", "Shmem", "Cached", "KernelStack", "PageTables", "Slab", "SwapTotal", "SwapFree"];

    /// <param name="detail">rows that get a full smaps read and classification, for their largest owner.</param>
    public static TopReport Build(string by, string sort, int top, int detail, string procRoot = "/proc")
    {
        var sweep = ProcessSweep.Run(procRoot, cgroups: by == "cgroup");
        var users = Users();
        var groups = MachineView.Sort(MachineView.Group(sweep.Processes, by, uid => users.TryGetValue(uid, out var n) ? n : uid.ToString(System.Globalization.CultureInfo.InvariantCulture)), sort);
        var sharing = sweep.Processes.Where(x => !x.CountsMemory).ToDictionary(x => x.Pid, x => x.SharesAddressSpaceWith!.Value);
        var rows = groups.Take(top).Select((g, i) =>
        {
            int? of = g.Pids.Count == 1 && sharing.TryGetValue(g.Pids[0], out int o) ? o : null;
            // memlens itself is not examined: describing its own start-up would cost more than the rest of the detail.
            bool examine = i < detail && g.Pids.Count == 1 && of is null && g.Pids[0] != Environment.ProcessId;
            return new TopRow(g.Key, g.Processes, g.Threads, g.Vsz, g.ReservedOnly, g.Rss, g.Pss, g.Uss, g.Swap,
                examine ? LargestOwner(g.Pids[0], procRoot) : null, of);
        }).ToList();
        var meminfo = ProcFileReader.TryReadAll($"{procRoot}/meminfo", out var b, out int l) == ProcFileReader.Outcome.Read ? MeminfoFile.Parse(b.AsSpan(0, l)) : null;
        var checks = meminfo is null ? [] : MachineView.Reconcile(sweep.Processes, meminfo, sweep.Denied + sweep.Vanished);
        var p = sweep.Processes;
        return new TopReport(TopReport.SchemaVersion, by, sort, rows,
            new TopTotals(p.Count, MachineView.Counted(p, x => x.Vsz), MachineView.Counted(p, x => x.Rss), MachineView.Counted(p, x => x.Pss), MachineView.Counted(p, x => x.Uss), MachineView.Counted(p, x => x.Swap)),
            meminfo is null ? new Dictionary<string, ulong>() : MeminfoKeys.Where(k => meminfo[k] is not null).ToDictionary(k => k, k => meminfo[k]!.Value),
            checks, sweep.Vanished, sweep.Denied, sweep.KernelThreads,
            sweep.SharedAddressSpaces, sweep.Unconfirmed);
    }

    private static string? LargestOwner(int pid, string procRoot)
    {
        try
        {
            var analysis = Analyzer.Analyze(LiveProcess.Load(pid, procRoot), withFindings: false);
            // Unattributed memory counts too: the largest owner is the largest share, whoever it is.
            var owner = analysis.Breakdown.AllOwners.MaxBy(o => o.Figures.Pss ?? o.Figures.Rss ?? 0);
            return owner is null ? null : $"{owner.Owner} ({owner.Kind}, PSS {Bytes.Format(owner.Figures.Pss)})";
        }
        catch (MemlensException) { return null; }   // exited or unreadable since the sweep
    }

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
