namespace Memlens.Reporting.Model;

/// <summary>
/// The one report model every output renders (terminal, JSON, later HTML and Prometheus). Its shape is the JSON
/// contract of docs/json.md: change it only with the schema version.
/// </summary>
public sealed record Report(
    string Schema,
    ProcessInfo Process,
    Headline Headline,
    Numbers Totals,
    IReadOnlyList<KindRow> Kinds,
    IReadOnlyList<GroupRow> Groups,
    IReadOnlyList<RegionRow> Regions,
    IReadOnlyList<CheckRow> Checks,
    IReadOnlyList<FindingRow> Findings,
    IReadOnlyList<string> Warnings,
    GoReport? Go = null,
    CoreReport? Core = null)
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

/// <summary>The figures shown for the process, a kind, an owner or a region, in bytes; null = unknown (no smaps).</summary>
public sealed record Numbers(int Regions, ulong Virtual, ulong ReservedOnly, ulong Committed, ulong? Rss, ulong? Pss,
    ulong? Private, ulong? Shared, ulong? Swap, ulong? Anonymous, ulong? Dirty);

public sealed record KindRow(string Kind, Numbers Numbers);

public sealed record GroupRow(string Kind, string Owner, Numbers Numbers);

public sealed record RegionRow(string Start, string End, string Perms, ulong Offset, string Device, ulong Inode, string Path,
    string Kind, string Owner, string Detail, string Evidence, string? VmFlags, Numbers Numbers);

public sealed record CheckRow(string Name, ulong Expected, ulong Actual, bool Holds, string Explanation);

public sealed record FindingRow(string Title, ulong Bytes, string Text);

/// <summary>The Go runtime section: present when the executable is a Go binary (docs/json.md, "go").</summary>
public sealed record GoReport(string? Version, string? Cgo, IReadOnlyList<string> MetricsSources, IReadOnlyDictionary<string, ulong> MemStats,
    IReadOnlyList<GoTreeRow> SysTree, IReadOnlyList<CheckRow> Identities, IReadOnlyList<GoComparisonRow> KernelView,
    IReadOnlyList<FindingRow> Findings, IReadOnlyList<string> Notes);

public sealed record GoTreeRow(int Depth, string Name, ulong? Bytes, string Meaning);

public sealed record GoComparisonRow(string Name, ulong? Bytes, string Source, string Meaning);

/// <summary>For a report made from a core dump: what was dumped per owner, and what a core cannot tell.</summary>
public sealed record CoreReport(string File, int Threads, ulong Dumped, IReadOnlyList<CoreOwnerRow> Owners, IReadOnlyList<string> CannotTell);

public sealed record CoreOwnerRow(string Kind, string Owner, ulong Virtual, ulong Dumped);
