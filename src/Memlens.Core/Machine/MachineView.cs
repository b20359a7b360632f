using Memlens.Core.Reconciliation;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Machine;

/// <summary>A group of processes (a program, a user, a cgroup) and its summed figures.</summary>
public sealed record ProcessGroup(string Key, int Processes, int Threads, ulong Vsz, ulong ReservedOnly, ulong Rss, ulong Pss, ulong Uss, ulong Swap, IReadOnlyList<int> Pids);

/// <summary>Groups the sweep and reconciles it with /proc/meminfo.</summary>
public static class MachineView
{
    public static IReadOnlyList<ProcessGroup> Group(IReadOnlyList<SweptProcess> processes, string by, Func<int, string> userName)
    {
        Func<SweptProcess, string> key = by switch
        {
            "program" => p => p.Exe is null ? p.Name : Path.GetFileName(p.Exe.Replace(" (deleted)", "", StringComparison.Ordinal)),
            "user" => p => userName(p.Uid),
            "cgroup" => p => p.Cgroup ?? "?",
            _ => p => $"{p.Pid} {p.Name}",
        };
        // A CLONE_VM child's pid counts as a process with its threads; its memory is counted once, at the pid that shares it.
        return processes.GroupBy(key).Select(g => new ProcessGroup(g.Key, g.Count(), g.Sum(p => p.Threads),
            Counted(g, p => p.Vsz), Counted(g, p => p.ReservedOnly), Counted(g, p => p.Rss), Counted(g, p => p.Pss), Counted(g, p => p.Uss), Counted(g, p => p.Swap),
            g.Select(p => p.Pid).ToList())).ToList();
    }

    public static IReadOnlyList<ProcessGroup> Sort(IEnumerable<ProcessGroup> groups, string sort) => (sort switch
    {
        "rss" => groups.OrderByDescending(g => g.Rss),
        "uss" => groups.OrderByDescending(g => g.Uss),
        "swap" => groups.OrderByDescending(g => g.Swap),
        "vsz" => groups.OrderByDescending(g => g.Vsz),
        _ => groups.OrderByDescending(g => g.Pss),
    }).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();

    /// <summary>Σ of the processes' proportional shares against the kernel's system-wide counters.</summary>
    public static IReadOnlyList<Check> Reconcile(IReadOnlyList<SweptProcess> processes, MeminfoFile m, int unreadable)
    {
        var checks = new List<Check>();
        ulong anon = Counted(processes, p => p.PssAnon), file = Counted(processes, p => p.PssFile), shmem = Counted(processes, p => p.PssShmem);
        string missing = unreadable > 0 ? $"; {unreadable} process(es) could not be read, and their share is missing from the sum" : "";
        if (m["AnonPages"] is ulong anonPages)
            checks.Add(Within("Σ Pss_Anon ≈ AnonPages", anon, anonPages, anonPages / 50 + (16UL << 20),
                "every anonymous page mapped into a process, shared or not, summed once across processes by PSS; the kernel's per-CPU counters and pages of processes that exit during the sweep make a small residual" + missing));
        if (m["Mapped"] is ulong mapped)
            checks.Add(Within("Σ Pss_File + Σ Pss_Shmem ≈ Mapped", file + shmem, mapped, mapped / 20 + (16UL << 20),
                "Mapped counts file and shmem pages mapped into any page table; page cache that no process maps (Cached − Mapped) is in no process" + missing));
        if (m["Shmem"] is ulong sh)
            checks.Add(new Check("Σ Pss_Shmem ≤ Shmem", shmem, sh, shmem <= sh + (16UL << 20),
                "Shmem also holds tmpfs files and SysV/POSIX segments that no process maps"));
        return checks;
    }

    /// <summary>Σ f over the processes that count their memory (each address space once).</summary>
    public static ulong Counted(IEnumerable<SweptProcess> processes, Func<SweptProcess, ulong> f) =>
        processes.Where(p => p.CountsMemory).Aggregate(0UL, (a, x) => a + f(x));

    private static Check Within(string name, ulong expected, ulong actual, ulong tolerance, string meaning) =>
        Check.Near(name, expected, actual, tolerance, (residual, _) => $"{meaning}; residual {residual:N0} B (tolerance {tolerance:N0} B)");
}
