using Memlens.Core.Model;

namespace Memlens.Core.Classification;

/// <summary>[stack]: the VMA holding mm->start_stack, the main thread's stack (grows down, VmStk).</summary>
public sealed class MainStackRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        var snapshot = context.Snapshot;
        foreach (var r in context.Regions)
        {
            if (r.Map.Path != "[stack]" || context.IsClaimed(r)) continue;
            var main = snapshot.Threads.FirstOrDefault(t => t.Tid == snapshot.Pid);
            context.Claim(r, Kinds.Stack, ThreadStackRule.OwnerName(snapshot.Pid, main?.Name ?? snapshot.Comm, main: true), "stack",
                "the kernel names it [stack]: it holds mm->start_stack, the main thread's stack (grows down on demand)");
        }
    }
}
