using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Cgroups;

/// <summary>One process of the cgroup, from its status (cheap: no smaps for a sweep).</summary>
public sealed record CgroupProcess(int Pid, string? Name, ulong? RssAnon, ulong? RssFile, ulong? RssShmem, ulong? Swap);

/// <summary>The cgroup's own accounting set beside its processes', with the identities and the reasons they differ.</summary>
public sealed record CgroupReportData(string Directory, string Version, IReadOnlyList<(string Name, ulong? Bytes, string Meaning)> Figures,
    IReadOnlyList<Check> Checks, IReadOnlyList<CgroupProcess> Processes, IReadOnlyList<string> Notes, IReadOnlyList<(string Name, ulong Value)> Events);

public static class CgroupView
{
    /// <param name="allProcesses">false when only some of the cgroup's processes are known (a snapshot): no Σ checks then.</param>
    public static CgroupReportData Build(CgroupFiles f, IReadOnlyList<CgroupProcess> processes, int cpus, bool allProcesses = true)
    {
        ulong Sum(Func<CgroupProcess, ulong?> g) => processes.Aggregate(0UL, (a, p) => a + (g(p) ?? 0));
        ulong anonProcs = Sum(p => p.RssAnon), fileProcs = Sum(p => p.RssFile), shmemProcs = Sum(p => p.RssShmem);
        // Pages are charged to a cgroup per CPU in batches of MEMCG_CHARGE_BATCH (64 pages), so the usage counter
        // may run ahead of memory.stat by up to cpus × 64 pages.
        ulong batch = (ulong)Math.Max(1, cpus) * 64 * 4096;
        var figures = new List<(string, ulong?, string)>();
        var checks = new List<Check>();
        var notes = new List<string>();
        string version;
        if (f.IsV2)
        {
            version = "v2";
            ulong? current = f.Number("memory.current"), anon = f.S("anon"), file = f.S("file"), kernel = f.S("kernel"), sock = f.S("sock"), shmem = f.S("shmem"), mapped = f.S("file_mapped");
            kernel ??= (f.S("kernel_stack") ?? 0) + (f.S("pagetables") ?? 0) + (f.S("percpu") ?? 0) + (f.S("slab") ?? 0) + (f.S("vmalloc") ?? 0);
            figures.AddRange([
                ("memory.current", current, "everything charged to the cgroup: anonymous memory, page cache, kernel memory, socket buffers"),
                ("  anon", anon, "anonymous memory (brk, mmap(MAP_ANONYMOUS))"),
                ("  file", file, "page cache, including tmpfs and shared memory (shmem)"),
                ("  kernel", kernel, "kernel stacks, page tables, slab, percpu, vmalloc"),
                ("  sock", sock, "network buffers"),
                ("memory.max", f.Number("memory.max"), f.Unlimited("memory.max") ? "no limit" : "the hard limit"),
                ("memory.peak", f.Number("memory.peak"), "the highest memory.current since creation (or reset)"),
                ("memory.swap.current", f.Number("memory.swap.current"), "swap used by the cgroup")]);
            if (current is ulong c && anon is ulong a && file is ulong fl)
            {
                ulong sum = a + fl + (kernel ?? 0) + (sock ?? 0);
                long residual = (long)c - (long)sum;
                checks.Add(new Check("memory.current ≈ anon + file + kernel + sock", sum, c, (ulong)Math.Abs(residual) <= batch,
                    $"the documented approximation; residual {residual:N0} B against a per-CPU charge batch of up to {batch:N0} B ({cpus} CPUs × 64 pages)"));
            }
            if (anon is ulong an && allProcesses) checks.Add(Near("anon ≈ Σ processes' RssAnon", anonProcs, an, batch, "a process's RssAnon is anonymous memory it maps; the cgroup's anon also holds anonymous pages of exited processes' children still alive elsewhere, and charges of pages other cgroups map"));
            if (mapped is ulong m && file is ulong fi)
                notes.Add($"page cache charged to the cgroup but mapped by no process: file − file_mapped = {fi - Math.Min(fi, m):N0} B (read() I/O, deleted files, tmpfs); it is in memory.current and in no process's RSS");
            if (shmem is ulong sh && allProcesses) notes.Add(ShmemNote(sh, shmemProcs));
            if (mapped is ulong mp && allProcesses && fileProcs + shmemProcs > mp)
                notes.Add($"the processes map {fileProcs + shmemProcs - mp:N0} B more file and shmem pages (Σ RssFile + RssShmem) than are charged here and mapped (file_mapped): a page is charged to the cgroup that first brought it in, so libraries and files loaded from elsewhere (another container, the host, files unpacked at boot) are in these processes' RSS but in another cgroup's memory.current");
            Headroom(f, current, f.Number("memory.max"), f.S("inactive_file"), f.S("active_file"), shmem, figures, notes);
        }
        else if (f.IsV1)
        {
            version = "v1";
            ulong? usage = f.Number("memory.usage_in_bytes"), rss = f.S("rss"), cache = f.S("cache"), mappedFile = f.S("mapped_file"), kmem = f.Number("memory.kmem.usage_in_bytes"), shmem = f.S("shmem");
            figures.AddRange([
                ("memory.usage_in_bytes", usage, "a \"fuzz value\": charged in per-CPU batches, so it runs ahead of memory.stat (cgroup-v1/memory.rst §5.5)"),
                ("  rss (memory.stat)", rss, "anonymous and swap-cache memory (not tmpfs/shmem)"),
                ("  cache (memory.stat)", cache, "page cache, including tmpfs and shmem"),
                ("  mapped_file (memory.stat)", mappedFile, "the part of cache mapped by processes"),
                ("memory.kmem.usage_in_bytes", kmem, "kernel memory"),
                ("memory.limit_in_bytes", f.Unlimited("memory.limit_in_bytes") ? null : f.Number("memory.limit_in_bytes"), f.Unlimited("memory.limit_in_bytes") ? "no limit (the file holds a page-rounded 2^63)" : "the hard limit"),
                ("memory.max_usage_in_bytes", f.Number("memory.max_usage_in_bytes"), "the peak usage")]);
            if (usage is ulong u && rss is ulong r && cache is ulong ca)
            {
                // memory.rst says "use RSS+CACHE(+SWAP)" for exact usage, but kernel memory is charged to usage too;
                // page charges and kmem charges each keep a per-CPU stock, hence two batches of slack.
                if (kmem is ulong k) checks.Add(Near("usage_in_bytes ≈ rss + cache + kmem", r + ca + k, u, 2 * batch,
                    $"rss + cache alone = {r + ca:N0} B leaves out kernel memory ({k:N0} B), which usage also counts; the rest is per-CPU charge stock ({cpus} CPUs × 64 pages, for pages and for kmem)"));
                else checks.Add(Near("usage_in_bytes ≈ rss + cache", r + ca, u, batch, $"the documented identity; per-CPU charge batches of up to {batch:N0} B"));
            }
            if (rss is ulong rs && allProcesses) checks.Add(Near("rss ≈ Σ processes' RssAnon", anonProcs, rs, batch, "rss can be a page or more below the processes' anonymous RSS: pages are charged in batches; anonymous pages shared after fork are counted once here but in each process; and pages a process faulted before it joined this cgroup stay charged where they were (v1 moves charges only with memory.move_charge_at_immigrate)"));
            if (shmem is ulong sm && allProcesses) notes.Add(ShmemNote(sm, shmemProcs));
            if (cache is ulong c2 && mappedFile is ulong mf)
                notes.Add($"page cache charged but mapped by no process: cache − mapped_file = {c2 - Math.Min(c2, mf):N0} B; it is in usage and in no process's RSS");
            Headroom(f, usage, f.Unlimited("memory.limit_in_bytes") ? null : f.Number("memory.limit_in_bytes"), f.S("total_inactive_file") ?? f.S("inactive_file"), f.S("total_active_file") ?? f.S("active_file"), shmem, figures, notes);
        }
        else throw new MemlensException(ExitCode.BadInput, $"{f.Where}: neither memory.current (v2) nor memory.usage_in_bytes (v1): not a memory cgroup");
        notes.Add($"the processes' RSS: anonymous {anonProcs:N0} B, file {fileProcs:N0} B, shmem {shmemProcs:N0} B over {processes.Count} process(es) (status RssAnon/RssFile/RssShmem)");
        var events = f.Events.Where(e => e.Value > 0).Select(e => (e.Key, e.Value)).ToList();
        if (f.Number("memory.failcnt") is ulong fails and > 0) events.Add(("failcnt (v1: times the limit was hit)", fails));
        return new CgroupReportData(f.Where, version, figures, checks, processes, notes, events);
    }

    /// <summary>
    /// Not an identity: shmem is charged to the cgroup that first touches a page, and tmpfs files or segments need not
    /// be mapped at all, so the two sides differ for reasons that are each normal.
    /// </summary>
    private static string ShmemNote(ulong charged, ulong mappedByProcesses) =>
        $"shmem charged to the cgroup {charged:N0} B, shmem its processes map (Σ RssShmem) {mappedByProcesses:N0} B: "
        + "tmpfs files and SysV/POSIX segments that no process maps are charged here and in no RSS; shmem first touched from another cgroup is in RSS but charged there; a page two processes map is charged once and in both RSS";

    private static void Headroom(CgroupFiles f, ulong? usage, ulong? limit, ulong? inactiveFile, ulong? activeFile, ulong? shmem, List<(string, ulong?, string)> figures, List<string> notes)
    {
        if (limit is not ulong l || usage is not ulong u)
        {
            notes.Add("no memory limit is set: the cgroup can grow until the machine runs short");
            return;
        }
        figures.Add(("headroom (limit − usage)", l - Math.Min(l, u), $"{(l == 0 ? 0 : 100.0 * u / l):0.#}% of the limit is in use"));
        string swapOnly = shmem is ulong sh and > 0 ? $"anonymous memory and tmpfs/shmem ({sh:N0} B, kept on the anonymous lists) can only go to swap" : "anonymous memory can only go to swap";
        notes.Add($"reclaimed first under pressure: inactive page cache ({inactiveFile:N0} B), then active page cache ({activeFile:N0} B); {swapOnly}");
    }

    private static Check Near(string name, ulong expected, ulong actual, ulong tolerance, string meaning) =>
        Check.Near(name, expected, actual, tolerance, (residual, _) => $"{meaning}; residual {residual:N0} B");

    /// <summary>The processes' RSS from their status files; processes that vanish mid-sweep are skipped.</summary>
    public static IReadOnlyList<CgroupProcess> ReadProcesses(IEnumerable<int> pids, Sources.ProcRoot proc)
    {
        var list = new List<CgroupProcess>();
        foreach (int pid in pids)
        {
            if (proc.ProcessText(pid, "status") is not { } text) continue;
            var s = StatusFile.Parse(System.Text.Encoding.UTF8.GetBytes(text));
            list.Add(new CgroupProcess(pid, s.Name, s.RssAnon, s.RssFile, s.RssShmem, s.VmSwap));
        }
        return list;
    }

    internal static string Format(ulong? n) => Bytes.Format(n);
}
