namespace Memlens.Core.Runtimes.SharedMemory;

/// <summary>Shared memory: /dev/shm, SysV segments, memfd, shared anonymous mappings.</summary>
public sealed class SharedMemoryModule : IRuntimeModule
{
    public string Name => "shared-memory";
    public ModuleRole Role => ModuleRole.Process;
    public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["every process"]);
    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Files, new SharedMemoryRule())];
}
