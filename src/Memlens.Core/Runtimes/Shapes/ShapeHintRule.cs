using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Shapes;

/// <summary>
/// After every rule: a shape alone is not an owner. What is left that is shaped like a known allocator's memory gets a
/// hint saying so, and why that is not enough (the allocator is not identified, or its headers were not readable).
/// </summary>
public sealed class ShapeHintRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        const ulong heapMax = 64 * Bytes.MiB;
        foreach (var head in context.Regions)
        {
            if (context.IsClaimed(head) || !head.IsPrivateAnonymous || head.Start % heapMax != 0 || head.Map.NoAccess) continue;
            var tail = context.Next(head);
            if (tail is null || context.IsClaimed(tail) || !tail.Map.NoAccess || tail.End != head.Start + heapMax || !context.Adjacent(head, tail)) continue;
            string why = context.HasGlibc ? "its heap_info header does not confirm it" : "glibc is not identified here (no libc is mapped), so it is not claimed";
            context.Hint(head, $"shaped like a glibc malloc arena heap (64 MiB-aligned rw head and PROT_NONE tail), but {why}");
            context.Hint(tail, $"the PROT_NONE tail of a region shaped like a glibc malloc arena heap; {why}");
        }
    }
}

/// <summary>Hints on what no module claimed: runs last, for every process.</summary>
public sealed class ShapesModule() : EveryProcessModule("shapes", new PhasedRule(RulePhase.Remainders, new ShapeHintRule()));
