using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Stacks;

/// <summary>
/// Each thread's stack, found from its user stack pointer (task/TID/syscall, second-to-last field): the private
/// anonymous rw mapping that contains it, and the PROT_NONE guard directly below it.
/// A stack pointer inside a region that another rule owns (a Go heap arena holding g0 stacks) claims nothing.
/// </summary>
public sealed class ThreadStackRule : IClassificationRule
{
    public const ulong MaxGuardBytes = Bytes.MiB;

    public void Apply(ClassificationContext context)
    {
        foreach (var thread in context.Snapshot.Threads)
        {
            if (thread.Syscall?.StackPointer is not ulong sp) continue;
            var r = context.Find(sp);
            if (r is null || context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Map.Executable) continue;   // code is never a stack
            var owner = new ThreadStackOwner(thread.Tid, thread.Name, thread.Tid == context.Snapshot.Pid);
            context.Claim(r, owner, "stack",
                $"holds the stack pointer {Bytes.Hex(sp)} of thread {thread.Tid} (task/{thread.Tid}/syscall)", Confidence.Confirmed);
            ClaimGuard(context, r, owner, $"thread {thread.Tid}");
        }
    }

    internal static void ClaimGuard(ClassificationContext context, Region stack, Owner owner, string whose)
    {
        var below = context.Previous(stack);
        if (below is null || context.IsClaimed(below) || !below.IsPrivateAnonymous || !below.Map.NoAccess) return;
        if (!context.Adjacent(below, stack) || below.Size > MaxGuardBytes) return;
        context.Claim(below, owner, "guard",
            $"{Bytes.Format(below.Size)} PROT_NONE directly below the stack of {whose}: its overflow guard (glibc guardsize, or the JVM's red/yellow/reserved zones)", Confidence.Confirmed);
    }
}
