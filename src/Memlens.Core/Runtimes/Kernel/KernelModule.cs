namespace Memlens.Core.Runtimes.Kernel;

/// <summary>The kernel's own mappings ([vdso], [vvar], [vsyscall]) and the names a process gives its own (prctl).</summary>
public sealed class KernelModule() : EveryProcessModule("kernel",
    new(RulePhase.Names, new KernelRule()), new(RulePhase.Names, new NamedAnonymousRule()));
