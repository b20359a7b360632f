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
    /// <summary>The knob for thread stack size, in the terms of the runtime that made the threads.</summary>
    private static string Knob(FindingContext context) => context.Runtimes.ContainsKey("jvm")
        ? "In a JVM, -Xss (or -XX:ThreadStackSize) sets Java threads' stacks and -XX:VMThreadStackSize / -XX:CompilerThreadStackSize the JVM's own."
        : context.Runtimes.ContainsKey("dotnet") ? "In .NET, DOTNET_DefaultStackSize sets new threads' stacks (and the Thread constructor's maxStackSize one thread's)."
        : "pthread_attr_setstacksize or `ulimit -s` set the size.";

    public override IEnumerable<Finding> Findings(FindingContext context)
    {
        var b = context.Breakdown;
        var threads = b.AllOwners.Where(o => o.Owner is ThreadStackOwner { IsMain: false }).ToList();
        if (threads.Count > 0)
        {
            var f = Figures.Sum(threads.Select(t => t.Figures));
            var sizes = threads.Select(t => t.Regions.Where(r => r.Attribution!.Detail == "stack").Sum(r => (decimal)r.Size)).GroupBy(x => x).OrderByDescending(g => g.Count()).First();
            yield return new Finding("Thread stacks", f.Virtual,
                $"{threads.Count} thread stack(s) outside the main stack take {Format(f.Virtual)} of VSZ (most are {Format((ulong)sizes.Key)} each, the pthread default from RLIMIT_STACK) but only {Format(f.Rss)} resident: a stack uses RAM only for the depth it has reached. {Knob(context)}");
        }
        var unknown = b.AllOwners.FirstOrDefault(o => o.Owner is UnidentifiedThreadStacks);
        int elsewhere = context.Snapshot.Threads.Count(t => t.Syscall?.StackPointer is ulong sp && Region.Find(context.Regions, sp)?.Attribution is { Kind: not Kinds.Stack });
        if (unknown is not null && context.Snapshot.Threads.Count == 0)
            yield return new Finding("Thread stacks, threads not read", unknown.Figures.Virtual,
                $"{unknown.Regions.Count(r => r.Attribution!.Detail == "stack")} stack-shaped mapping(s) ({Format(unknown.Figures.Virtual)}, {Format(unknown.Figures.Rss)} resident) have a thread stack's layout (a guard page below an rw mapping), but the threads were not read (no task/ here), so which thread each belongs to, or whether its thread still runs, is not known.");
        else if (unknown is not null && elsewhere > 0)
            yield return new Finding("Thread stacks holding no stack pointer", unknown.Figures.Virtual,
                $"{unknown.Regions.Count(r => r.Attribution!.Detail == "stack")} stack-shaped mapping(s) ({Format(unknown.Figures.Virtual)}, {Format(unknown.Figures.Rss)} resident) hold no thread's stack pointer, while {elsewhere} live thread(s) run on stacks a runtime allocated in its heap (a cgo program's threads run Go code on goroutine stacks): these are most likely those threads' own pthread stacks, not dead threads'.");
        else if (unknown is not null)
            yield return new Finding("Stacks with no live thread", unknown.Figures.Virtual,
                $"{unknown.Regions.Count(r => r.Attribution!.Detail == "stack")} stack-shaped mapping(s) ({Format(unknown.Figures.Virtual)}, {Format(unknown.Figures.Rss)} resident) hold no live thread's stack pointer: typically stacks glibc keeps cached after their threads exit (up to 40 MiB, glibc.pthread.stack_cache_size).");
    }
}
