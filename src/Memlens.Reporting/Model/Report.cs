using Memlens.Core.Findings;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes.Go;
namespace Memlens.Reporting.Model;

/// <summary>
/// The one report model every output renders (terminal, JSON, later HTML and Prometheus). Its shape is the JSON
/// contract of docs/json.md: change it only with the schema version.
/// </summary>
public sealed record Report(
    string Schema,
    ProcessInfo Process,
    Headline Headline,
    Figures Totals,
    IReadOnlyList<KindRow> Kinds,
    IReadOnlyList<GroupRow> Groups,
    IReadOnlyList<RegionRow> Regions,
    IReadOnlyList<Check> Checks,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> Warnings,
    GoReport? Go = null,
    CoreReport? Core = null,
    IReadOnlyList<RuntimeRow>? Runtimes = null,
    Memlens.Core.Runtimes.Jvm.JvmRuntimeSection? Jvm = null,
    Memlens.Core.Runtimes.Dotnet.DotnetRuntimeSection? Dotnet = null)
{
    public const string SchemaVersion = "memlens.report/1";
}

/// <summary>
/// The kernel's own top-line numbers (status VmSize, VmRSS, VmSwap; smaps_rollup Pss), falling back to the sums of
/// the regions when a file is missing. Totals is always the sum of the regions; the checks relate the two.
/// </summary>
public sealed record Headline(ulong Vsz, ulong? Rss, ulong? Pss, ulong? Uss, ulong? Swap, ulong ReservedOnly, string Source);

public sealed record ProcessInfo(int Pid, string? Comm, string? Exe, IReadOnlyList<string> Cmdline, string Source, bool Live,
    DateTimeOffset? CapturedAt, string? Kernel, ulong PageSize, int Threads, bool HasSmaps);

public sealed record KindRow(string Kind, Figures Numbers);

/// <param name="Confidence">"confirmed", or "inferred" when any of the owner's regions is (docs/categories.md).</param>
public sealed record GroupRow(string Kind, string Owner, Figures Numbers, string Confidence);

public sealed record RegionRow(string Start, string End, string Perms, ulong Offset, string Device, ulong Inode, string Path,
    string Kind, string Owner, string Detail, string Evidence, string? VmFlags, Figures Numbers, string Confidence, string? Hint);

/// <summary>The Go runtime section: present when the executable is a Go binary (docs/json.md, "go").</summary>
public sealed record GoReport(string? Version, string? Cgo, IReadOnlyList<string> MetricsSources, IReadOnlyDictionary<string, ulong> MemStats,
    IReadOnlyList<TreeRow> SysTree, IReadOnlyList<Check> Identities, IReadOnlyList<ComparisonRow> KernelView,
    IReadOnlyList<Finding> Findings, IReadOnlyList<string> Notes);

/// <summary>For a report made from a core dump: what was dumped per owner, and what a core cannot tell.</summary>
public sealed record CoreReport(string File, int Threads, ulong Dumped, IReadOnlyList<CoreOwnerRow> Owners, IReadOnlyList<string> CannotTell);

public sealed record CoreOwnerRow(string Kind, string Owner, ulong Virtual, ulong Dumped);

/// <summary>A runtime or allocator the process uses, with every signal that says so (docs/categories.md).</summary>
public sealed record RuntimeRow(string Name, string Role, IReadOnlyList<string> Evidence);
