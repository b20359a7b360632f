using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Reconciliation;

/// <summary>
/// statm without status (often all someone copied): each column derived from the mappings, the way the kernel counts
/// it (fs/proc/task_mmu.c task_statm: size = total_vm, text = end_code − start_code, data = data_vm + stack_vm).
/// </summary>
public static class StatmFromMaps
{
    public static IEnumerable<Check> Check(StatmFile statm, IReadOnlyList<Region> inMm, ulong page)
    {
        ulong sizes = Reconciler.Sum(inMm, r => r.Size);
        yield return Reconciler.Exact("statm size × page = Σ region sizes", sizes, statm.Size * page,
            "size is total_vm: every mapping, PROT_NONE reservations included", "the mappings changed between reading maps and statm");
        // data_vm: private writable, not a stack; stack_vm: the grows-down [stack]. Their sum is every private writable mapping.
        ulong data = Reconciler.Sum(inMm.Where(r => r.Map.Writable && !r.Map.Shared), r => r.Size);
        yield return Reconciler.Exact("statm data × page = Σ private writable sizes", data, statm.Data * page,
            "data is data_vm + stack_vm: every private writable mapping (heaps, runtime arenas, thread stacks, the binary's data and bss, [stack]); reservations count once they are made writable",
            "the mappings changed between reading maps and statm");
        if (Executable(inMm) is { } text)
            yield return Reconciler.Exact("statm text × page = the executable's code mapping", text.Size, statm.Text * page,
                $"text is end_code − start_code: the executable's own code ({text.Map.Path}, {Bytes.Hex(text.Start)}-{Bytes.Hex(text.End)}), not its read-only data and not the libraries'",
                "the executable's code segment is not page-aligned at both ends, or the lowest code mapping is not the executable's");
    }

    /// <summary>The executable's code: the lowest executable file mapping (the executable is mapped below its libraries).</summary>
    public static Region? Executable(IReadOnlyList<Region> regions) =>
        regions.Where(r => r.Map.FileBacked && r.Map.Executable && !r.Map.Writable).MinBy(r => r.Start);

    /// <summary>What is neither text nor data, by mapping: read-only and shared mappings, reservations, the vDSO.</summary>
    public static IReadOnlyList<Region> NeitherTextNorData(IReadOnlyList<Region> inMm)
    {
        var text = Executable(inMm);
        return inMm.Where(r => r != text && !(r.Map.Writable && !r.Map.Shared)).ToList();
    }
}
