namespace Memlens.Core.Runtimes.SharedMemory;

/// <summary>Shared memory: /dev/shm, SysV segments, memfd, shared anonymous mappings.</summary>
public sealed class SharedMemoryModule() : EveryProcessModule("shared-memory", new PhasedRule(RulePhase.Files, new SharedMemoryRule()));
