using Memlens.Core.Accounting;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes;
using Memlens.Core.Runtimes.Go;

namespace Memlens.Core.Analysis;

/// <summary>
/// Everything memlens concludes about one snapshot: an owner for every region, the breakdown, the identities checked,
/// the findings, the runtimes identified and their sections, and what could not be done. Made once, by
/// <see cref="Analyzer"/>; every command and output reads it.
/// </summary>
public sealed class ProcessAnalysis
{
    public required ProcessSnapshot Snapshot { get; init; }
    /// <summary>The snapshot's regions, owned (merged VMAs already divided), in address order.</summary>
    public required IReadOnlyList<Region> Regions { get; init; }
    /// <summary>Every module the process uses, by name, with the signals that say so.</summary>
    public required IReadOnlyDictionary<string, RuntimeIdentification> Runtimes { get; init; }
    public required Breakdown Breakdown { get; init; }
    public required IReadOnlyList<Check> Checks { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }
    public GoRuntimeSection? Go { get; init; }
    /// <summary>The JVM's own figures beside the kernel's: present when the JVM's perf-data file was read.</summary>
    public Runtimes.Jvm.JvmRuntimeSection? Jvm { get; init; }
    /// <summary>The .NET runtime's section: present for every CoreCLR process; its own figures only when they were read (--runtime).</summary>
    public Runtimes.Dotnet.DotnetRuntimeSection? Dotnet { get; init; }
    /// <summary>The snapshot's warnings and the analysis's own: shown in every output.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
