using Memlens.Core.Analysis;
using Memlens.Core.Model;

namespace Memlens.Core.Threads;

/// <summary>One thread and its stack, as far as the evidence goes.</summary>
public sealed record ThreadStack(
    int Tid, string? Name, ulong? StackPointer, string? StackRange, ulong? StackSize, ulong? StackResident, ulong? GuardSize,
    string Where,        // "own mapping", "main [stack]", "inside Go heap arenas", …
    string How);         // how it was found, or why it was not

/// <summary>Every thread's stack from a classified snapshot (the stack rule's claims, or where the pointer lies).</summary>
public static class ThreadStacks
{
    public static IReadOnlyList<ThreadStack> Describe(ProcessAnalysis analysis)
    {
        var s = analysis.Snapshot;
        var regions = analysis.Regions;
        var rows = new List<ThreadStack>();
        foreach (var t in s.Threads)
        {
            ulong? sp = t.Syscall?.StackPointer;
            var region = sp is ulong p ? Region.Find(regions, p) : null;
            if (region is null)
            {
                var byName = regions.FirstOrDefault(r => r.Attribution?.Owner is ThreadStackOwner o && o.Tid == t.Tid && r.Attribution.Detail == "stack");
                rows.Add(byName is null
                    ? new ThreadStack(t.Tid, t.Name, sp, null, null, null, null, "unknown", t.SyscallProblem ?? (sp is null ? "no stack pointer" : "the stack pointer is in no mapping"))
                    : Row(t, sp, byName, analysis, "the main stack ([stack])"));
                continue;
            }
            var a = region.Attribution!;
            string from = s.Source.StartsWith("core ", StringComparison.Ordinal) ? "the core's NT_PRSTATUS" : $"task/{t.Tid}/syscall";
            string how = sp is null ? "" : $"stack pointer 0x{sp:x} ({from})";
            if (a.Kind == Kinds.Stack) rows.Add(Row(t, sp, region, analysis, how));
            else rows.Add(new ThreadStack(t.Tid, t.Name, sp, $"{region.Start:x}-{region.End:x}", null, null, null, $"inside {a.Owner}",
                how + (a.Kind != Kinds.Go ? "" : analysis.Runtimes.ContainsKey("glibc")
                    ? ": a goroutine stack in the Go heap (this cgo thread is running Go code; its own pthread stack holds no stack pointer now), counted in StackInuse"
                    : ": a g0 stack the Go runtime allocated in its heap (no cgo), counted in StackInuse")));
        }
        return rows;
    }

    private static ThreadStack Row(ThreadInfo t, ulong? sp, Region stack, ProcessAnalysis analysis, string how)
    {
        var s = analysis.Snapshot;
        var guard = stack.Index > 0 ? analysis.Regions[stack.Index - 1] : null;
        bool hasGuard = guard?.Attribution?.Owner == stack.Attribution!.Owner && guard.Attribution.Detail == "guard";
        string where = stack.Map.Path == "[stack]" ? "main [stack] (grows down on demand)"
            : stack.SplitNote is not null ? "part of a VMA merged with its neighbour (resident divided by pagemap)"
            : t.Tid == s.Pid && !s.RecordsRegionNames ? "main stack (a core names none: found from its auxiliary vector)"
            : "own mapping";
        return new ThreadStack(t.Tid, t.Name, sp, $"{stack.Start:x}-{stack.End:x}", stack.Size, stack.Counters?.Rss, hasGuard ? guard!.Size : null, where, how);
    }
}
