using System.CommandLine;
using System.Globalization;
using Memlens.Core;
using Memlens.Core.Cgroups;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens cgroup [PID | CGROUP-DIR | SNAPSHOT]`: the cgroup's own accounting against its processes.</summary>
internal static class CgroupCommand
{
    private static readonly Argument<string?> Target = new("target") { Description = "a pid (default: memlens's own), a cgroup directory, or a snapshot with cgroup.d/", Arity = ArgumentArity.ZeroOrOne };

    public static Command Create(CliConsole console)
    {
        var command = new Command("cgroup", "a memory cgroup's accounting (v1 or v2) beside its processes' RSS, with the identities and headroom") { Target, CommonOptions.Json, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var report = CgroupReportBuilder.Build(Load(parse.GetValue(Target), parse.GetValue(CommonOptions.ProcRoot)!));
            if (parse.GetValue(CommonOptions.Json)) Output.WriteJson(console, report, ReportJsonContext.Default.CgroupReport);
            else TerminalCgroupWriter.Write(report, console.Out);
            return 0;
        }));
        return command;
    }

    private static CgroupReportData Load(string? target, string procRoot)
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
            return CgroupView.Build(files, CgroupView.ReadProcesses(files.Processes(), procRoot), cpus);
        }
        int pid = target is null ? Environment.ProcessId
            : int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : TargetResolver.ResolveName(target, procRoot);
        var text = ProcFileReader.TryReadText($"{procRoot}/{pid}/cgroup") ?? throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}");
        var dir = CgroupLocator.MemoryDirectory(CgroupMembership.Parse(text))
            ?? throw new MemlensException(ExitCode.BadInput, $"process {pid}: its memory cgroup is not mounted here (no cgroup2 mount, and no v1 hierarchy with the memory controller)");
        var cg = CgroupFiles.Read(dir);
        return CgroupView.Build(cg, CgroupView.ReadProcesses(cg.Processes(), procRoot), cpus);
    }
}
