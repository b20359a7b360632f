using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Cgroups;

/// <summary>The memory cgroup a user named: a process's (by pid or name), a cgroup directory, or a snapshot's copy.</summary>
public static class CgroupTarget
{
    public static CgroupReportData Load(string? target, ProcRoot proc)
    {
        int cpus = Environment.ProcessorCount;
        if (target is not null && Directory.Exists(Path.Combine(target, "cgroup.d")))
        {
            // A snapshot: the cgroup as captured, and only the captured process's RSS.
            var snapshot = SnapshotSource.Load(target);
            string copy = Path.Combine(target, "cgroup.d");
            var files = CgroupFiles.Read(copy, File.Exists(Path.Combine(copy, "path.txt")) ? File.ReadAllText(Path.Combine(copy, "path.txt")).Trim() : target);
            var s = snapshot.Status;
            // When the captured cgroup.procs lists the captured process alone, its RSS is the whole cgroup's.
            var members = files.Processes();
            bool alone = members.Count == 1 && members[0] == snapshot.Pid;
            string cpusFile = Path.Combine(target, "cpus");
            int? captured = File.Exists(cpusFile) && int.TryParse(File.ReadAllText(cpusFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is > 0 and <= CpuList.MaxCpus ? c : null;
            var data = CgroupView.Build(files, [new CgroupProcess(snapshot.Pid, snapshot.Comm, s?.RssAnon, s?.RssFile, s?.RssShmem, s?.VmSwap)], captured ?? cpus, allProcesses: alone);
            if (captured is null) data = data with { Notes = [.. data.Notes, $"the snapshot does not record its machine's CPU count: the per-CPU charge batches are sized for this machine's {cpus}"] };
            string note = alone ? "from a snapshot: the captured process was the cgroup's only one (cgroup.procs), so the sums are complete"
                : members.Count > 1 ? $"from a snapshot: only the captured process's RSS is known, not the {members.Count - 1} other process(es) of the cgroup"
                : "from a snapshot: only the captured process's RSS is known, not the other processes of the cgroup";
            return data with { Notes = [.. data.Notes, note] };
        }
        if (target is not null && Directory.Exists(target))
        {
            var files = CgroupFiles.Read(target);
            return CgroupView.Build(files, CgroupView.ReadProcesses(files.Processes(), proc), cpus);
        }
        if (target is not null && target.Contains('/'))
            throw new MemlensException(ExitCode.BadInput, File.Exists(target)
                ? $"{target} is a file, not a cgroup directory (give /sys/fs/cgroup/…, a pid, a process name, or a snapshot)"
                : $"{target}: no such cgroup directory or snapshot");
        int pid = target is null ? Environment.ProcessId
            : int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : TargetResolver.ResolveName(target, proc);
        var text = proc.ProcessText(pid, "cgroup") ?? throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}");
        var dir = CgroupLocator.MemoryDirectory(CgroupMembership.Parse(text), proc)
            ?? throw new MemlensException(ExitCode.BadInput, $"process {pid}: its memory cgroup is not mounted here (no cgroup2 mount, and no v1 hierarchy with the memory controller)");
        var cg = CgroupFiles.Read(dir);
        return CgroupView.Build(cg, CgroupView.ReadProcesses(cg.Processes(), proc), cpus);
    }
}
