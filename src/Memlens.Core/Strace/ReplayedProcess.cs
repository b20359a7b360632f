namespace Memlens.Core.Strace;

/// <summary>One process of the log: its address space, its threads, and what each thread did to it.</summary>
public sealed class ReplayedProcess(int pid, AddressSpace space)
{
    public int Pid { get; } = pid;
    public AddressSpace Space { get; set; } = space;
    public string? Exe { get; set; }
    public ulong? BrkStart { get; set; }
    public bool Exited { get; set; }
    public long FirstLine { get; set; }
    public long LastLine { get; set; }
    /// <summary>tid → the stack pointer it started with (clone's child_stack, clone3's stack + stack_size).</summary>
    public Dictionary<int, ulong> ThreadStacks { get; } = [];
    public Dictionary<int, ThreadTally> Threads { get; } = [];
    public ulong PeakVirtual { get; set; }

    public ThreadTally Tally(int tid)
    {
        if (!Threads.TryGetValue(tid, out var t)) Threads[tid] = t = new ThreadTally(tid);
        return t;
    }
}

/// <summary>Per thread: bytes it mapped, unmapped, made accessible, made inaccessible, and released with madvise.</summary>
public sealed class ThreadTally(int tid)
{
    public int Tid { get; } = tid;
    public long Calls { get; set; }
    public ulong Mapped { get; set; }
    public ulong Unmapped { get; set; }
    public ulong Committed { get; set; }
    public ulong Decommitted { get; set; }
    public ulong Released { get; set; }
    public long Failed { get; set; }
}
