using Memlens.Core.Classification;
using Memlens.Core.Findings;

namespace Memlens.Core.Runtimes;

/// <summary>
/// One runtime, allocator or part of every process (the kernel's mappings, images, stacks): how to tell the process
/// uses it, the classification rules it contributes (each in a phase), and the findings it writes in its own terms.
/// A new runtime is a folder under Runtimes/ with one of these, added to <see cref="RuntimeCatalog"/>.
/// </summary>
public interface IRuntimeModule
{
    /// <summary>Short and stable: "go", "glibc", "jvm". The JSON contract and the key of <see cref="ClassificationContext.Uses"/>.</summary>
    string Name { get; }
    ModuleRole Role { get; }
    /// <summary>Null when nothing says the process uses it; otherwise every signal that does, as evidence.</summary>
    RuntimeIdentification? Identify(RuntimeSignals signals);
    IReadOnlyList<PhasedRule> Rules { get; }
    /// <summary>Findings in the runtime's own terms, with its own knobs; every number from the breakdown.</summary>
    IEnumerable<Finding> Findings(FindingContext context) => [];
}

/// <summary>Part of every process (rules always run), a language runtime, or a memory allocator.</summary>
public enum ModuleRole { Process, Runtime, Allocator }

/// <summary>A runtime the process uses, with every signal that says so ("libjvm.so is mapped", "Go build info in the executable").</summary>
public sealed record RuntimeIdentification(string Runtime, IReadOnlyList<string> Evidence)
{
    public string Because => string.Join("; ", Evidence);
}

/// <summary>A rule and the phase it runs in. Phases run in order; within a phase, modules run in catalog order.</summary>
public sealed record PhasedRule(RulePhase Phase, IClassificationRule Rule);

/// <summary>
/// Where a rule's evidence comes from decides when it runs: stronger, more specific evidence first, so that weaker
/// evidence only sees what is left (a Go arena may hold a thread's stack pointer, so fixed addresses come before
/// stack pointers; a run of reservations is judged only once stacks and arenas are taken out of it).
/// </summary>
public enum RulePhase
{
    /// <summary>Names the kernel or the process gave a mapping: [vdso], [stack], [heap], prctl names.</summary>
    Names,
    /// <summary>The file behind a mapping: ELF images, assemblies, shared memory objects.</summary>
    Files,
    /// <summary>Addresses a runtime always uses (Go's arena hints).</summary>
    FixedAddresses,
    /// <summary>Each thread's stack pointer.</summary>
    StackPointers,
    /// <summary>Allocator headers read from memory, or their exact layout (glibc's 64 MiB heaps).</summary>
    AllocatorHeaders,
    /// <summary>Large reservations of a documented size or shape (Go's summaries, the .NET GC range, the Java heap).</summary>
    Reservations,
    /// <summary>Single allocator blocks (glibc's mmapped chunks).</summary>
    AllocatorChunks,
    /// <summary>What is left, where one runtime alone maps memory, and shape-only fallbacks.</summary>
    Remainders,
}

/// <summary>A part of every process (the kernel's mappings, images, stacks): always identified, its rules always run.</summary>
public abstract class EveryProcessModule(string name, params PhasedRule[] rules) : IRuntimeModule
{
    public string Name { get; } = name;
    public ModuleRole Role => ModuleRole.Process;
    public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["every process"]);
    public IReadOnlyList<PhasedRule> Rules { get; } = rules;
    public virtual IEnumerable<Findings.Finding> Findings(Findings.FindingContext context) => [];
}
