namespace Memlens.Core.Runtimes.Kernel;

/// <summary>The kernel's own mappings ([vdso], [vvar], [vsyscall]) and the names a process gives its own (prctl).</summary>
public sealed class KernelModule : IRuntimeModule
{
    public string Name => "kernel";
    public ModuleRole Role => ModuleRole.Process;
    public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["every process"]);
    public IReadOnlyList<PhasedRule> Rules { get; } =
        [new(RulePhase.Names, new KernelRule()), new(RulePhase.Names, new NamedAnonymousRule())];
}
