using Memlens.Core.Model;

namespace Memlens.Core.Classification;

/// <summary>[heap]: the brk area (vma_is_initial_heap). With glibc, it is malloc's main arena.</summary>
public sealed class BrkHeapRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (r.Map.Path != "[heap]" || context.IsClaimed(r)) continue;
            string evidence = context.HasGlibc
                ? "the kernel names it [heap]: the brk area, which glibc malloc uses as its main arena"
                : "the kernel names it [heap]: the brk area (program break)";
            context.Claim(r, Kinds.NativeHeap, context.HasGlibc ? "brk heap (glibc main arena)" : "brk heap", "heap", evidence);
        }
    }
}
