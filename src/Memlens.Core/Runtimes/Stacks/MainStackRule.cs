using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Stacks;

/// <summary>[stack]: the VMA holding mm->start_stack, the main thread's stack (grows down, VmStk).</summary>
public sealed class MainStackRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        var snapshot = context.Snapshot;
        var main = snapshot.Threads.FirstOrDefault(t => t.Tid == snapshot.Pid);
        var owner = new ThreadStackOwner(snapshot.Pid, main?.Name ?? snapshot.Comm, IsMain: true);
        foreach (var r in context.Regions)
        {
            if (r.Map.Path != "[stack]" || context.IsClaimed(r)) continue;
            context.Claim(r, owner, "stack",
                "the kernel names it [stack]: it holds mm->start_stack, the main thread's stack (grows down on demand)", Confidence.Confirmed);
        }
        // A core records no [stack] name; the auxiliary vector points into the stack the kernel built at exec.
        if (!snapshot.RecordsRegionNames && snapshot.InitialStackAddress is ulong at && context.Find(at) is { } initial
            && !context.IsClaimed(initial) && initial.IsPrivateAnonymous && initial.Map.Writable)
            context.Claim(initial, owner, "stack",
                $"a core does not record the [stack] name: this region holds {Bytes.Hex(at)}, the executable's name (AT_EXECFN) or random bytes (AT_RANDOM) the kernel placed on the main thread's stack at exec", Confidence.Confirmed);
    }
}
