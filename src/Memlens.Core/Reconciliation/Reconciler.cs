using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Reconciliation;

/// <summary>
/// Checks every identity of DESIGN.md that the snapshot has the files for, deriving the kernel's counters from the
/// mappings (fs/proc/task_mmu.c task_mem/task_statm, mm/mmap.c vm_stat_account) and comparing.
/// </summary>
public static class Reconciler
{
    public static IReadOnlyList<Check> Check(ProcessSnapshot s)
    {
        var checks = new List<Check>();
        var status = s.Status;
        ulong page = s.PageSize;
        // The gate VMA ([vsyscall]) is printed by maps but is not in the mm, so total_vm leaves it out.
        var sums = MappingSums.Of(s.Regions);
        ulong sizes = sums.Sizes, gate = sums.Gate;
        string gateNote = gate > 0 ? $" ([vsyscall], {Bytes.Format(gate)}, is listed in maps but is not part of the mm, so it is left out of the sum)" : "";

        if (status?.VmSize is ulong vmSize)
            checks.Add(Exact("VmSize = Σ region sizes", sizes, vmSize, "total_vm counts every VMA, PROT_NONE included" + gateNote,
                "the mappings changed between reading status and smaps"));

        if (status is { VmRSS: ulong rss, RssAnon: ulong anon, RssFile: ulong file, RssShmem: ulong shmem })
            checks.Add(Exact("VmRSS = RssAnon + RssFile + RssShmem", anon + file + shmem, rss, "the three per-mm rss counters, summed by task_mem", "status was read mid-update"));

        if (s.HasSmaps && status?.VmRSS is ulong vmRss)
        {
            ulong smapsRss = sums.Rss;
            // Before Linux 6.2 (SPLIT_RSS_COUNTING) each thread holds up to TASK_RSS_EVENTS_THRESH = 64 page events
            // before adding them to the mm's counters; since 6.2 they are per-CPU counters with a batch of 64 here.
            int threads = Math.Max(1, s.Threads.Count);
            bool perThread = KernelBefore(s.KernelRelease, 6, 2);
            ulong lag = perThread ? page * 64 * (ulong)threads : page * 64;
            checks.Add(Near("Σ smaps Rss ≈ VmRSS", smapsRss, vmRss, lag,
                perThread
                    ? $"smaps walks the page tables; VmRSS is the mm's rss counters, which before Linux 6.2 each thread updates only every 64 page events, so they can lag by up to {threads} thread(s) × 64 pages (hugetlb pages are in neither)"
                    : "smaps walks the page tables; VmRSS is the mm's rss counters, which are per-CPU and updated in batches, so they can lag by a few pages (hugetlb pages are in neither)"));
        }

        if (s.Statm is { } statm)
        {
            if (status?.VmSize is ulong vs) checks.Add(Exact("statm size × page = VmSize", vs, statm.Size * page, "both are total_vm", "statm and status were read at different moments"));
            if (status?.VmRSS is ulong vr) checks.Add(Exact("statm resident × page = VmRSS", vr, statm.Resident * page, "both are anon + file + shmem rss", "statm and status were read at different moments"));
            if (status is { RssFile: ulong rf, RssShmem: ulong rs })
                checks.Add(Exact("statm shared × page = RssFile + RssShmem", rf + rs, statm.Shared * page, "statm's 'shared' is the file and shmem rss counters: resident file-backed pages, not pages shared with other processes", "statm and status were read at different moments"));
            if (status is { VmData: ulong vd, VmStk: ulong vk })
                checks.Add(Exact("statm data × page = VmData + VmStk", vd + vk, statm.Data * page, "statm's 'data' is data_vm + stack_vm", "statm and status were read at different moments"));
            if (status?.VmExe is ulong ve)
                checks.Add(Exact("statm text × page = VmExe", ve, statm.Text * page, "statm's 'text' is end_code − start_code, page-rounded", "statm and status were read at different moments"));
        }

        if (s.Statm is { } onlyStatm && status is null)
            checks.AddRange(StatmFromMaps.Check(onlyStatm, s.Regions.Where(r => !MappingSums.IsGate(r)).ToList(), page));

        if (status is not null && s.HasSmaps)
        {
            ulong data = sums.Data, stack = sums.Stack, exec = sums.Exec;
            if (status.VmData is ulong vmData)
                checks.Add(Exact("VmData = Σ private writable non-stack sizes", data, vmData, "data_vm: every private writable mapping that is not a stack; PROT_NONE reservations are not in it until committed", "the mappings changed between reads"));
            if (status.VmStk is ulong vmStk)
                checks.Add(Exact("VmStk = Σ grows-down stack sizes", stack, vmStk, "stack_vm: VM_GROWSDOWN mappings only ([stack]); thread stacks are plain mmaps and count in VmData", "the mappings changed between reads"));
            if (status is { VmExe: ulong vmExe, VmLib: ulong vmLib })
                checks.Add(Exact("VmExe + VmLib = Σ executable non-writable sizes", exec, vmExe + vmLib, "exec_vm: every r-x mapping (executable, libraries, vDSO, JIT code); VmExe is the executable's text and VmLib the rest", "the mappings changed between reads"));
            if (status.VmSwap is ulong vmSwap)
            {
                checks.Add(Near("VmSwap ≈ Σ smaps Swap (private)", sums.Swap - sums.ShmemSwap, vmSwap, page * 64,
                    "VmSwap counts swapped private anonymous pages; smaps Swap also includes swapped shmem, which is left out of the sum"));
            }
        }

        if (s.HasSmaps && s.Rollup is { Pss: ulong rollupPss, Rss: ulong rollupRss })
        {
            checks.Add(Near("Σ smaps Rss = smaps_rollup Rss", sums.Rss, rollupRss, page * 64,
                "both walk the same page tables; a difference means pages were faulted in or freed between the two reads"));
            checks.Add(Near("Σ smaps Pss ≈ smaps_rollup Pss", sums.Pss, rollupPss, (ulong)s.Regions.Count * 1024 + (page * 64),
                "each smaps line rounds its Pss down to whole kB while the rollup sums the exact fixed-point values first, so the sum of the lines is up to 1 kB per mapping lower"));
        }
        return checks;
    }

    internal static ulong Sum(IEnumerable<Region> regions, Func<Region, ulong> f)
    {
        ulong total = 0;
        foreach (var r in regions) total += f(r);
        return total;
    }

    internal static Check Exact(string name, ulong expected, ulong actual, string meaning, string residualReason) =>
        new(name, expected, actual, expected == actual,
            expected == actual ? meaning : $"{meaning}; residual {Signed((long)actual - (long)expected)}: {residualReason}");

    private static Check Near(string name, ulong expected, ulong actual, ulong tolerance, string meaning) =>
        Reconciliation.Check.Near(name, expected, actual, tolerance, (residual, holds) => residual == 0 ? meaning
            : $"{meaning}; residual {Signed(residual)}{(holds ? " (within that tolerance)" : " (larger than that explains: the process was changing while read)")}");

    private static string Signed(long n) => n < 0 ? "−" + Bytes.Format((ulong)-n) : "+" + Bytes.Format((ulong)n);

    /// <summary>True when the release ("6.1.0-56-cloud-amd64") is older than major.minor; false when unknown.</summary>
    internal static bool KernelBefore(string? release, int major, int minor)
    {
        if (release is null) return false;
        var parts = release.Split('.', 3);
        if (parts.Length < 2 || !int.TryParse(parts[0], out int a)) return false;
        string minorDigits = new(parts[1].TakeWhile(char.IsAsciiDigit).ToArray());
        if (!int.TryParse(minorDigits, out int b)) return false;
        return a < major || (a == major && b < minor);
    }
}
