using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

public static class CoreReportBuilder
{
    public static readonly IReadOnlyList<string> CannotTell =
    [
        "RSS, PSS, swap: a core records contents, not which pages were resident",
        "what coredump_filter left out (default 0x33: file-backed private mappings keep only an ELF header page; VM_DONTDUMP and VM_IO mappings nothing)",
        "never-written anonymous memory: it is either skipped (p_filesz 0 for reservations) or written as zero pages",
        "what a runtime's own dumper skipped (.NET createdump leaves out memory it does not need)",
        "the [heap] and [stack] names: the main stack is found from the auxiliary vector (AT_EXECFN points into it), the brk heap from its place above the executable",
        "[vvar] pages (kernel data the vDSO reads): the kernel writes them unnamed (memlens names them by their place below the vDSO); gdb's gcore leaves them out, so VSZ is short by their size",
    ];

    /// <summary>The report of a core, with dumped bytes per owner added.</summary>
    public static Report Build(CoreSource.Loaded loaded, ProcessAnalysis analysis)
    {
        var report = ReportBuilder.Build(analysis);
        var owners = analysis.Regions.GroupBy(r => r.Attribution!.Owner)
            .Select(g => new CoreOwnerRow(g.Key.Kind, g.Key.Label, (ulong)g.Sum(r => (decimal)r.Size), (ulong)g.Sum(r => (decimal)loaded.DumpedBytes(r.Start, r.End))))
            .OrderByDescending(o => o.Dumped).ThenByDescending(o => o.Virtual).ToList();
        return report with
        {
            Core = new CoreReport(loaded.Snapshot.Source["core ".Length..], loaded.Core.Threads.Count, (ulong)owners.Sum(o => (decimal)o.Dumped), owners, CannotTell),
        };
    }
}
