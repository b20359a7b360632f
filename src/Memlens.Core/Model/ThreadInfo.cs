using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>A task of the process: its id, name and (when readable) where its stack pointer was.</summary>
public sealed record ThreadInfo(int Tid, string? Name, TaskSyscall? Syscall, string? SyscallProblem);
