using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Kernel;

/// <summary>The kernel's special mappings, named by vm_special_mapping or the gate VMA (fs/proc/task_mmu.c get_vma_name).</summary>
public sealed class KernelRule : IClassificationRule
{
    private static readonly Dictionary<string, string> Meanings = new()
    {
        ["[vdso]"] = "virtual dynamic shared object: kernel code run in user space (gettimeofday, clock_gettime)",
        ["[vvar]"] = "kernel data read by the vDSO",
        ["[vvar_vclock]"] = "clock pages read by the vDSO",
        ["[vsyscall]"] = "legacy vsyscall gate page (not in the mm: not counted in VmSize)",
        ["[uprobes]"] = "uprobes trampoline page",
        ["[sigpage]"] = "signal return page (arm)",
        ["[vectors]"] = "exception vectors page (arm)",
    };

    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
            if (!r.Map.FileBacked && Meanings.TryGetValue(r.Map.Path, out var meaning))
                context.Claim(r, new LabelledOwner(Kinds.Kernel, r.Map.Path), "", $"kernel special mapping {r.Map.Path}: {meaning}", Confidence.Confirmed);
    }
}
