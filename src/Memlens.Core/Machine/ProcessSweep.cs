using System.Globalization;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Machine;

/// <summary>One process in a machine-wide sweep: cheap figures from status, smaps_rollup and maps (no page-by-page smaps).</summary>
public sealed record SweptProcess(int Pid, string Name, string? Exe, int Uid, int Threads, string? Cgroup,
    ulong Vsz, ulong ReservedOnly, ulong Rss, ulong Pss, ulong Uss, ulong Swap, ulong PssAnon, ulong PssFile, ulong PssShmem);

/// <summary>
/// Reads every process's smaps_rollup, status and maps. Processes that vanish mid-sweep or cannot be read are counted,
/// not fatal; kernel threads (no address space) are skipped.
/// </summary>
public static class ProcessSweep
{
    public sealed record Result(IReadOnlyList<SweptProcess> Processes, int Vanished, int Denied, int KernelThreads);

    public static Result Run(string procRoot = "/proc")
    {
        var list = new List<SweptProcess>();
        int vanished = 0, denied = 0, kernel = 0;
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            switch (ProcFileReader.TryReadAll(Path.Combine(dir, "status"), out var sb, out int sl))
            {
                case ProcFileReader.Outcome.Read: break;
                case ProcFileReader.Outcome.Denied: denied++; continue;
                default: vanished++; continue;
            }
            var status = StatusFile.Parse(sb.AsSpan(0, sl));
            if (status.VmSize is null) { kernel++; continue; }   // kernel threads have no Vm* lines
            var rollupOutcome = ProcFileReader.TryReadAll(Path.Combine(dir, "smaps_rollup"), out var rb, out int rl);
            if (rollupOutcome == ProcFileReader.Outcome.Denied) { denied++; continue; }
            if (rollupOutcome != ProcFileReader.Outcome.Read) { vanished++; continue; }
            var rollup = SmapsFile.Parse(rb.AsSpan(0, rl)).Items.FirstOrDefault()?.Counters;
            if (rollup is null) { kernel++; continue; }
            ulong reserved = ReservedOnly(Path.Combine(dir, "maps"));
            string? exe = null;
            try { exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            string? cgroup = ProcFileReader.TryReadText(Path.Combine(dir, "cgroup")) is { } cg ? CgroupMembership.Memory(CgroupMembership.Parse(cg))?.Path : null;
            int uid = int.TryParse(status.Text("Uid")?.Split('\t', ' ')[0], out int u) ? u : -1;
            list.Add(new SweptProcess(pid, status.Name ?? "?", exe, uid, (int)(status.Threads ?? 1), cgroup,
                status.VmSize ?? 0, reserved, rollup.Rss ?? 0, rollup.Pss ?? 0, (rollup.Private_Clean ?? 0) + (rollup.Private_Dirty ?? 0), rollup.Swap ?? 0,
                rollup.Pss_Anon ?? 0, rollup.Pss_File ?? 0, rollup.Pss_Shmem ?? 0));
        }
        return new Result(list, vanished, denied, kernel);
    }

    /// <summary>Σ sizes of no-access mappings, from maps (cheap: no page-table walk).</summary>
    private static ulong ReservedOnly(string mapsPath)
    {
        if (ProcFileReader.TryReadAll(mapsPath, out var b, out int l) != ProcFileReader.Outcome.Read) return 0;
        ulong total = 0;
        foreach (var line in Formats.Text.Ascii.Lines(b.AsSpan(0, l)))
        {
            int space = line.IndexOf((byte)' ');
            if (space < 0 || line.Length < space + 4 || line[space + 1] != '-' || line[space + 2] != '-' || line[space + 3] != '-') continue;
            int dash = line.IndexOf((byte)'-');
            if (Formats.Text.Ascii.TryParseHex(line[..dash], out ulong a) && Formats.Text.Ascii.TryParseHex(line[(dash + 1)..space], out ulong e)) total += e - a;
        }
        return total;
    }
}
