using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Stacks;

/// <summary>
/// Fallback for stacks no stack pointer points into: a small PROT_NONE guard directly below a larger rw anonymous
/// mapping, the layout of pthread_create's stack (nptl/allocatestack.c). Typically an exited thread's stack kept in
/// glibc's stack cache (up to 40 MiB), or a thread whose stack pointer could not be read.
/// </summary>
public sealed class GuardPatternStackRule : IClassificationRule
{
    public const ulong MinStackBytes = 64 * Bytes.KiB;
    public const ulong MaxGuardBytes = 64 * Bytes.KiB;

    /// <summary>Live threads whose stack pointer lies in memory a runtime owns (a goroutine stack), not on a stack of their own.</summary>
    public static int ThreadsOffTheirStacks(ClassificationContext context) =>
        context.Snapshot.Threads.Count(t => t.Syscall?.StackPointer is ulong sp && context.Find(sp)?.Attribution is { } a && a.Kind is not Kinds.Stack);

    public void Apply(ClassificationContext context)
    {
        bool allPointersRead = context.Snapshot.Threads.Count > 0 && context.Snapshot.Threads.All(t => t.Syscall?.StackPointer is not null);
        int elsewhere = ThreadsOffTheirStacks(context);
        string why = !allPointersRead ? "not every thread's stack pointer could be read, so which thread it belongs to is unknown"
            : elsewhere > 0 ? $"no thread's stack pointer is in it, but {elsewhere} live thread(s) are running on stacks a runtime allocated in its heap (in a cgo program, Go code runs on goroutine stacks): this is most likely one of their own pthread stacks"
            : "no live thread's stack pointer is in it: most likely a stack kept in glibc's stack cache after its thread exited";
        foreach (var guard in context.Regions)
        {
            var stack = context.Next(guard);
            if (stack is null || context.IsClaimed(guard) || context.IsClaimed(stack)) continue;
            if (!guard.IsPrivateAnonymous || !guard.Map.NoAccess || guard.Size > MaxGuardBytes) continue;
            if (!stack.IsPrivateAnonymous || !stack.Map.Writable || stack.Map.Executable || stack.Size < MinStackBytes || !context.Adjacent(guard, stack)) continue;
            var owner = UnidentifiedThreadStacks.Instance;
            context.Claim(stack, owner, "stack",
                $"{Bytes.Format(stack.Size)} rw anonymous mapping directly above a {Bytes.Format(guard.Size)} PROT_NONE guard: the layout of a pthread stack; {why}", Confidence.Inferred);
            context.Claim(guard, owner, "guard", $"{Bytes.Format(guard.Size)} PROT_NONE directly below an unidentified thread stack: its guard", Confidence.Inferred);
        }
    }
}
