using Memlens.Core.Model;

namespace Memlens.Core.Reconciliation;

/// <summary>
/// The sums of the mappings that the kernel's own counters are compared with, in one pass over the regions
/// (at 60,000 mappings, each further pass costs more than the arithmetic).
/// </summary>
internal readonly record struct MappingSums(ulong Sizes, ulong Gate, ulong Rss, ulong Pss, ulong Data, ulong Stack, ulong Exec, ulong Swap, ulong ShmemSwap)
{
    /// <summary>The gate VMA ([vsyscall]): printed by maps, but not in the mm.</summary>
    public static bool IsGate(Region r) => r.Map.Path == "[vsyscall]";

    public static MappingSums Of(IReadOnlyList<Region> regions)
    {
        ulong sizes = 0, gate = 0, rss = 0, pss = 0, data = 0, stack = 0, exec = 0, swap = 0, shmemSwap = 0;
        foreach (var r in regions)
        {
            var m = r.Map;
            var c = r.Counters;
            ulong regionSwap = c?.Swap ?? 0;
            rss += c?.Rss ?? 0;
            pss += c?.Pss ?? 0;
            swap += regionSwap;
            if (m.Shared || m.Path.StartsWith("/dev/shm", StringComparison.Ordinal)) shmemSwap += regionSwap;
            if (IsGate(r)) { gate += r.Size; continue; }
            sizes += r.Size;
            // mm/mmap.c vm_stat_account: exec = VM_EXEC && !VM_WRITE && !VM_STACK; stack = VM_STACK (VM_GROWSDOWN, "gd");
            // data = VM_WRITE && !VM_SHARED && !VM_STACK.
            bool isStack = c?.HasFlag("gd") == true || m.Path == "[stack]";
            if (isStack) stack += r.Size;
            else if (m.Executable && !m.Writable) exec += r.Size;
            if (!isStack && m.Writable && !m.Shared) data += r.Size;
        }
        return new MappingSums(sizes, gate, rss, pss, data, stack, exec, swap, shmemSwap);
    }
}
