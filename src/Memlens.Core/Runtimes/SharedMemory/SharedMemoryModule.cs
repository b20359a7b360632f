using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.SharedMemory;

/// <summary>Shared memory: /dev/shm, SysV segments, memfd, shared anonymous mappings.</summary>
public sealed class SharedMemoryModule() : EveryProcessModule("shared-memory", new PhasedRule(RulePhase.Files, new SharedMemoryRule()))
{
    /// <summary>How much of RSS and of USS is shared memory, which killing this process would not free while the segment lives.</summary>
    public override IEnumerable<Finding> Findings(FindingContext context)
    {
        var shm = context.Breakdown.Kind(Kinds.SharedMemory);
        if (shm?.Figures.Rss is not ulong rss || rss == 0) yield break;
        ulong total = context.Breakdown.Total.Rss ?? 0, uss = context.Breakdown.Total.Private ?? 0, mine = shm.Figures.Private ?? 0;
        string largest = string.Join("; ", shm.Owners.Take(3).Select(o => $"{o.Owner}: {Format(o.Figures.Virtual)} mapped, {Format(o.Figures.Rss)} resident"));
        yield return new Finding("Shared memory", rss,
            $"{Format(rss)} of RSS ({Pct(rss, total)}) is shared memory: {largest}. It is counted once per process that touched it (PSS divides it: {Format(shm.Figures.Pss)} here). {Format(mine)} of it is in USS ({Pct(mine, uss)} of USS) because only this process has touched those pages so far, yet ending the process would not free them: a SysV or POSIX segment lives until it is removed, and a shared anonymous mapping while any process that inherited it maps it.");
    }

    private static string Pct(ulong part, ulong whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:0.#}%".Replace(',', '.');
}
