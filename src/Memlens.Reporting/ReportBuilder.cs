using Memlens.Core.Accounting;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Findings;
using Memlens.Core.Runtimes;
using Memlens.Core.Runtimes.Go;
using Memlens.Formats.Metrics;
using Memlens.Core.Reconciliation;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

/// <summary>Classifies a snapshot, sums it, checks it, explains it, and freezes the result into a <see cref="Report"/>.</summary>
public static class ReportBuilder
{
    /// <param name="metrics">runtime metrics pages given on the command line, beside any saved in a snapshot.</param>
    public static Report Build(ProcessAnalysis a)
    {
        var s = a.Snapshot;
        var breakdown = a.Breakdown;
        return new Report(
            Report.SchemaVersion,
            new ProcessInfo(s.Pid, s.Comm, s.Exe, s.Cmdline, s.Source, s.IsLive, s.CapturedAt, s.KernelRelease, s.PageSize, s.ThreadCount, s.HasSmaps),
            HeadlineOf(s, breakdown.Total),
            breakdown.Total,
            breakdown.Kinds.Select(k => new KindRow(k.Kind, k.Figures)).ToList(),
            breakdown.Kinds.SelectMany(k => k.Owners).Select(o => new GroupRow(o.Kind, o.Owner.Label, o.Figures, Word(o.Regions.Any(r => r.Attribution!.Confidence == Confidence.Inferred)))).ToList(),
            new RegionRows(a.Regions),
            a.Checks,
            a.Findings,
            a.Warnings.ToList(),
            a.Go is { } g ? GoSection(g) : null,
            Runtimes: RuntimeCatalog.Modules.Where(m => m.Role != ModuleRole.Process && a.Runtimes.ContainsKey(m.Name))
                .Select(m => new RuntimeRow(m.Name, m.Role == ModuleRole.Allocator ? "allocator" : "runtime", a.Runtimes[m.Name].Evidence)).ToList(),
            Jvm: a.Jvm,
            Dotnet: a.Dotnet);
    }

    private static GoReport GoSection(GoRuntimeSection g)
    {
        return new GoReport(g.GoVersion, g.Cgo, g.MetricsSources, g.MemStats,
            g.SysTree,
            g.Identities,
            g.KernelView,
            g.Findings,
            g.Notes);
    }

    private static Headline HeadlineOf(ProcessSnapshot s, Figures total)
    {
        var st = s.Status;
        bool kernel = st?.VmSize is not null;
        // Without status, statm has the same counters in pages (pasted text often has statm alone).
        var statm = kernel ? null : s.Statm;
        ulong? vsz = st?.VmSize ?? statm?.Size * s.PageSize ?? total.Virtual;
        ulong? rss = st?.VmRSS ?? statm?.Resident * s.PageSize ?? total.Rss;
        string sources = kernel ? "status VmSize, VmRSS, VmSwap; smaps_rollup Pss; USS = Σ smaps Private_*"
            : statm is not null ? "statm size and resident × page size; the rest are sums of the mappings (status not available)"
            : "sums of the mappings (status not available)";
        return new Headline(vsz ?? total.Virtual, rss, s.Rollup?.Pss ?? total.Pss, total.Private, st?.VmSwap ?? total.Swap, total.ReservedOnly, sources);
    }

    internal static string Word(bool inferred) => inferred ? "inferred" : "confirmed";
}
