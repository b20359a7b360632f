using Memlens.Core.Cgroups;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

public static class CgroupReportBuilder
{
    public static CgroupReport Build(CgroupReportData d) => new(CgroupReport.SchemaVersion, d.Directory, d.Version,
        d.Figures.Select(f => new CgroupFigureRow(f.Name, f.Bytes, f.Meaning)).ToList(),
        d.Checks,
        d.Processes.OrderByDescending(p => p.RssAnon ?? 0).Select(p => new CgroupProcessRow(p.Pid, p.Name, p.RssAnon, p.RssFile, p.RssShmem, p.Swap)).ToList(),
        d.Notes, d.Events.ToDictionary(e => e.Name, e => e.Value));
}
