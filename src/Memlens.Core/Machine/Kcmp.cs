using System.Runtime.InteropServices;

namespace Memlens.Core.Machine;

/// <summary>
/// kcmp(2) with KCMP_VM: whether two processes share one address space (mm_struct). It only compares kernel
/// pointers; the targets are neither stopped nor touched.
/// </summary>
public static partial class Kcmp
{
    private const long SysKcmp = 312;   // x86-64
    private const int KcmpVm = 1;

    public enum Result { Same, Different, Unknown }

    public static Result SameAddressSpace(int pid1, int pid2)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return Result.Unknown;
        // kcmp orders the two pointers: 0 equal, 1 or 2 different, −1 with errno when not permitted or not built in.
        long r = Syscall(SysKcmp, pid1, pid2, KcmpVm, 0, 0);
        return r switch { 0 => Result.Same, 1 or 2 => Result.Different, _ => Result.Unknown };
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5);
}
