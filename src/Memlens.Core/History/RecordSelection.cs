using System.Globalization;
using Memlens.Core.Sources;

namespace Memlens.Core.History;

/// <summary>Which processes `memlens record` samples, chosen again at every interval: processes come and go.</summary>
public abstract record RecordSelection
{
    /// <summary>The processes to sample now, with the program name their series is kept under (comm).</summary>
    public abstract IReadOnlyList<(int Pid, string Program)> Processes(ProcRoot proc);

    /// <summary>For people: "the processes of cgroup /sys/fs/cgroup/x", "every process of 100 MiB PSS or more".</summary>
    public abstract string Describe { get; }

    /// <summary>True when a process once chosen is recorded until it exits (a heap's troughs must not become holes).</summary>
    public virtual bool KeepsProcesses => false;

    protected static string? Program(ProcRoot proc, int pid) => proc.ProcessText(pid, "comm")?.Trim();
}

/// <summary>Every process a cgroup holds (its cgroup.procs), as it holds them at each interval.</summary>
public sealed record CgroupSelection(string Directory) : RecordSelection
{
    public static CgroupSelection Of(string directory) =>
        File.Exists(Path.Combine(directory, "cgroup.procs")) ? new CgroupSelection(Path.GetFullPath(directory))
            : throw new MemlensException(ExitCode.BadInput, $"{directory}: not a cgroup directory (it has no cgroup.procs)");

    public override string Describe => $"the processes of cgroup {Directory}";

    public override IReadOnlyList<(int, string)> Processes(ProcRoot proc)
    {
        var list = new List<(int, string)>();
        string? text = Formats.Procfs.ProcFileReader.TryReadText(Path.Combine(Directory, "cgroup.procs"));
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && Program(proc, pid) is { } program)
                list.Add((pid, program));
        return list;
    }
}

/// <summary>Every process whose PSS is at least a threshold, by one sweep of smaps_rollup (as `top` reads them).</summary>
public sealed record PssSelection(ulong Threshold) : RecordSelection
{
    public override string Describe => $"every process of {Model.Bytes.Format(Threshold)} PSS or more";

    public override bool KeepsProcesses => true;

    public override IReadOnlyList<(int, string)> Processes(ProcRoot proc) =>
        Machine.ProcessSweep.Run(proc, cgroups: false, executables: false).Processes
            .Where(p => p.CountsMemory && p.Pss >= Threshold && p.Pid != Environment.ProcessId)
            .Select(p => (p.Pid, p.Name)).ToList();
}

/// <summary>A recorder per process of a selection, made when a process appears and dropped when it goes.</summary>
public sealed class SelectionRecorder(HistoryStore store, ProcRoot proc, int fullEvery, RecordSelection selection)
{
    private readonly Dictionary<int, Recorder> _recorders = [];
    private readonly Dictionary<int, string> _programs = [];

    /// <summary>One sample of each selected process: how many were sampled, their RSS together, and how many classified.</summary>
    public (int Processes, ulong Rss, int Classified) Sample()
    {
        var chosen = selection.Processes(proc).ToList();
        if (selection.KeepsProcesses)
            chosen.AddRange(_programs.Where(p => !chosen.Any(c => c.Pid == p.Key)).Select(p => (p.Key, p.Value)));
        else
            foreach (int gone in _recorders.Keys.Except(chosen.Select(c => c.Pid)).ToList()) Forget(gone);
        int sampled = 0, classified = 0;
        ulong rss = 0;
        foreach (var (pid, program) in chosen)
        {
            if (!_recorders.TryGetValue(pid, out var recorder)) (_recorders[pid], _programs[pid]) = (recorder = new Recorder(store, proc, fullEvery), program);
            if (recorder.Sample(pid, program) is not { } s)
            {
                Forget(pid);   // exited
                continue;
            }
            sampled++;
            rss += s.Rss;
            if (s.Full) classified++;
        }
        return (sampled, rss, classified);
    }

    private void Forget(int pid)
    {
        _recorders.Remove(pid);
        _programs.Remove(pid);
    }
}
