using Memlens.Core.Model;
using Memlens.Core.Machine;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

public static class TopReportBuilder
{
    public static readonly string[] MeminfoKeys = ["MemTotal", "MemAvailable", "AnonPages", "Mapped", "Shmem", "Cached", "KernelStack", "PageTables", "Slab", "SwapTotal", "SwapFree"];

    public static TopReport Build(MachineAnalysis m, string by, string sort)
    {
        var sweep = m.Sweep;
        var rows = m.Rows.Select(r => new TopRow(r.Group.Key, r.Group.Processes, r.Group.Threads, r.Group.Vsz, r.Group.ReservedOnly, r.Group.Rss,
            r.Group.Pss, r.Group.Uss, r.Group.Swap, r.LargestOwner, r.AddressSpaceOf)).ToList();
        var meminfo = m.Meminfo;
        var p = sweep.Processes;
        return new TopReport(TopReport.SchemaVersion, by, sort, rows,
            new TopTotals(p.Count, MachineView.Counted(p, x => x.Vsz), MachineView.Counted(p, x => x.Rss), MachineView.Counted(p, x => x.Pss), MachineView.Counted(p, x => x.Uss), MachineView.Counted(p, x => x.Swap)),
            meminfo is null ? new Dictionary<string, ulong>() : MeminfoKeys.Where(k => meminfo[k] is not null).ToDictionary(k => k, k => meminfo[k]!.Value),
            m.Checks, sweep.Vanished, sweep.Denied, sweep.KernelThreads,
            sweep.SharedAddressSpaces, sweep.Unconfirmed);
    }
}
