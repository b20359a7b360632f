using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Stacks;

/// <summary>Thread stacks: the main [stack], each thread's by its stack pointer, and the pthread guard pattern.</summary>
public sealed class StacksModule() : EveryProcessModule("stacks",
    new(RulePhase.Names, new MainStackRule()),
    new(RulePhase.StackPointers, new ThreadStackRule()),
    new(RulePhase.Remainders, new GuardPatternStackRule()))
{
    public override IEnumerable<Finding> Findings(FindingContext context)
    {
        var b = context.Breakdown;
        var threads = b.AllOwners.Where(o => o.Owner is ThreadStackOwner { IsMain: false }).ToList();
        if (threads.Count > 0)
        {
            var f = Figures.Sum(threads.Select(t => t.Figures));
            var sizes = threads.Select(t => t.Regions.Where(r => r.Attribution!.Detail == "stack").Sum(r => (decimal)r.Size)).GroupBy(x => x).OrderByDescending(g => g.Count()).First();
            yield return new Finding("Thread stacks", f.Virtual,
                $"{threads.Count} thread stack(s) outside the main stack take {Format(f.Virtual)} of VSZ (most are {Format((ulong)sizes.Key)} each, the pthread default from RLIMIT_STACK) but only {Format(f.Rss)} resident: a stack uses RAM only for the depth it has reached. pthread_attr_setstacksize or `ulimit -s` set the size.");
        }
        var unknown = b.AllOwners.FirstOrDefault(o => o.Owner is UnidentifiedThreadStacks);
        if (unknown is not null)
            yield return new Finding("Stacks with no live thread", unknown.Figures.Virtual,
                $"{unknown.Regions.Count(r => r.Attribution!.Detail == "stack")} stack-shaped mapping(s) ({Format(unknown.Figures.Virtual)}, {Format(unknown.Figures.Rss)} resident) hold no live thread's stack pointer: typically stacks glibc keeps cached after their threads exit (up to 40 MiB, glibc.pthread.stack_cache_size).");
    }
}
