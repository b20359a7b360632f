namespace Memlens.Core.Runtimes.BrkHeap;

/// <summary>The program break's heap ([heap]), whoever allocates from it: glibc's main arena, or another allocator.</summary>
public sealed class BrkHeapModule() : EveryProcessModule("brk-heap", new PhasedRule(RulePhase.Names, new BrkHeapRule()));
