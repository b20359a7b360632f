using Memlens.Core.Reconciliation;

namespace Memlens.Core.Runtimes.Go;

/// <summary>The Go runtime's own numbers beside the kernel's, for one process.</summary>
public sealed record GoRuntimeSection(
    string? GoVersion,
    string? Cgo,                              // "enabled (…evidence)", "disabled (…)", null when unknown
    IReadOnlyList<string> MetricsSources,     // where MemStats came from
    IReadOnlyDictionary<string, ulong> MemStats,
    IReadOnlyList<TreeRow> SysTree,           // Sys and its parts, children indented by Depth
    IReadOnlyList<Check> Identities,
    IReadOnlyList<ComparisonRow> KernelView,  // the runtime's numbers beside the kernel's
    IReadOnlyList<Findings.Finding> Findings,
    IReadOnlyList<string> Notes);

public sealed record TreeRow(int Depth, string Name, ulong? Bytes, string Meaning);

/// <summary>One line of "runtime vs kernel": a figure, its value, where it comes from, and what it means.</summary>
public sealed record ComparisonRow(string Name, ulong? Bytes, string Source, string Meaning);
