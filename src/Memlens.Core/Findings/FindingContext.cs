using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Runtimes;

namespace Memlens.Core.Findings;

/// <summary>What a module's findings are written from: the classified regions, their breakdown, and the runtimes identified.</summary>
public sealed record FindingContext(ProcessSnapshot Snapshot, IReadOnlyList<Region> Regions, Breakdown Breakdown,
    IReadOnlyDictionary<string, RuntimeIdentification> Runtimes);
