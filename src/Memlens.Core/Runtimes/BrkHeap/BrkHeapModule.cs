namespace Memlens.Core.Runtimes.BrkHeap;

/// <summary>The program break's heap ([heap]), whoever allocates from it: glibc's main arena, or another allocator.</summary>
public sealed class BrkHeapModule : IRuntimeModule
{
    public string Name => "brk-heap";
    public ModuleRole Role => ModuleRole.Process;
    public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["every process"]);
    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Names, new BrkHeapRule())];
}
