using System.Globalization;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Machine;

/// <summary>
/// One process in a machine-wide sweep: cheap figures from status, smaps_rollup and maps (no page-by-page smaps).
/// LowAddress–HighAddress is the rollup's range; SharesAddressSpaceWith, the pid whose figures these are (CLONE_VM).
/// </summary>
public sealed record SweptProcess(int Pid, string Name, string? Exe, int Uid, int Threads, string? Cgroup,
    ulong Vsz, ulong ReservedOnly, ulong Rss, ulong Pss, ulong Uss, ulong Swap, ulong PssAnon, ulong PssFile, ulong PssShmem,
    ulong LowAddress = 0, ulong HighAddress = 0, int? SharesAddressSpaceWith = null)
{
    /// <summary>False for a process whose address space another pid already counts.</summary>
    public bool CountsMemory => SharesAddressSpaceWith is null;
}

/// <summary>
/// Reads every process's status and smaps_rollup, and no more than each row needs: the executable's path only to
/// group by program, the cgroup only to group by cgroup, maps (for reserved-only bytes) only for the rows shown
/// (<see cref="Reservations"/>). Processes that vanish mid-sweep or cannot be read are counted, not fatal; kernel
/// threads (no address space) are skipped.
/// </summary>
public static class ProcessSweep
{
    /// <param name="SharedAddressSpaces">processes whose address space another pid already counts (CLONE_VM).</param>
    /// <param name="Unconfirmed">candidate pairs kcmp(2) could not compare (not permitted or not built in): counted twice.</param>
    public sealed record Result(IReadOnlyList<SweptProcess> Processes, int Vanished, int Denied, int KernelThreads, int SharedAddressSpaces, int Unconfirmed);

    public static Result Run(Sources.ProcRoot proc, bool cgroups = true, bool executables = true)
    {
        var pids = proc.Pids().Where(p => p > 0).ToList();
        var outcomes = new (SweptProcess? Process, char Outcome)[pids.Count];
        // Each process is independent; the reads are system calls, so both cores help.
        Parallel.For(0, pids.Count, i => outcomes[i] = One(proc, pids[i], cgroups, executables));
        var shared = SharedAddressSpaces.Mark(outcomes.Where(o => o.Process is not null).Select(o => o.Process!).ToList());
        return new Result(shared.Processes, outcomes.Count(o => o.Outcome == 'v'), outcomes.Count(o => o.Outcome == 'd'), outcomes.Count(o => o.Outcome == 'k'),
            shared.Shared, shared.Unconfirmed);
    }

    /// <summary>One process, or why not: 'v' vanished, 'd' denied, 'k' kernel thread.</summary>
    private static (SweptProcess?, char) One(Sources.ProcRoot proc, int pid, bool cgroups, bool executables)
    {
        string dir = proc.ProcessDirectory(pid);
        switch (ProcFileReader.TryReadAll(Path.Combine(dir, "status"), out var sb, out int sl))
        {
            case ProcFileReader.Outcome.Read: break;
            case ProcFileReader.Outcome.Denied: return (null, 'd');
            default: return (null, 'v');
        }
        var status = StatusFile.Parse(sb.AsSpan(0, sl));
        if (status.VmSize is null) return (null, 'k');   // kernel threads have no Vm* lines
        var rollupOutcome = ProcFileReader.TryReadAll(Path.Combine(dir, "smaps_rollup"), out var rb, out int rl);
        if (rollupOutcome == ProcFileReader.Outcome.Denied) return (null, 'd');
        if (rollupOutcome != ProcFileReader.Outcome.Read) return (null, 'v');
        var rollupEntry = SmapsFile.Parse(rb.AsSpan(0, rl)).Items.FirstOrDefault();
        if (rollupEntry is null) return (null, 'k');
        var rollup = rollupEntry.Counters;
        string? exe = executables ? proc.Executable(pid) : null;
        string? cgroup = cgroups && ProcFileReader.TryReadText(Path.Combine(dir, "cgroup")) is { } cg ? CgroupMembership.Memory(CgroupMembership.Parse(cg))?.Path : null;
        int uid = int.TryParse(status.Text("Uid")?.Split('\t', ' ')[0], out int u) ? u : -1;
        return (new SweptProcess(pid, status.Name ?? "?", exe, uid, (int)(status.Threads ?? 1), cgroup,
            status.VmSize ?? 0, 0, rollup.Rss ?? 0, rollup.Pss ?? 0, (rollup.Private_Clean ?? 0) + (rollup.Private_Dirty ?? 0), rollup.Swap ?? 0,
            rollup.Pss_Anon ?? 0, rollup.Pss_File ?? 0, rollup.Pss_Shmem ?? 0, rollupEntry.Map.Start, rollupEntry.Map.End), 'r');
    }

    /// <summary>
    /// Reserved-only (PROT_NONE) bytes from each process's maps, for the processes of the rows shown: a whole maps
    /// read per process, which the rows not shown do not need. A process that has exited since counts 0.
    /// </summary>
    public static IReadOnlyDictionary<int, ulong> Reservations(Sources.ProcRoot proc, IReadOnlyList<int> pids)
    {
        var sums = new ulong[pids.Count];
        Parallel.For(0, pids.Count, i =>
            sums[i] = ProcFileReader.TryReadAll(Path.Combine(proc.ProcessDirectory(pids[i]), "maps"), out var mb, out int ml) == ProcFileReader.Outcome.Read
                ? MapsReservations.Sum(mb.AsSpan(0, ml)) : 0);
        return pids.Select((p, i) => (p, sums[i])).ToDictionary(x => x.p, x => x.Item2);
    }
}
