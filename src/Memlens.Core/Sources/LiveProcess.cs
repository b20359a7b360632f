using Memlens.Core.Model;

namespace Memlens.Core.Sources;

/// <summary>A running process, read from /proc/PID. Only reads; never stops or writes to the target.</summary>
public static class LiveProcess
{
    /// <param name="smapsRead">told the bytes of smaps read so far (a large address space takes seconds).</param>
    public static ProcessSnapshot Load(int pid, ProcRoot? proc = null, Action<long>? smapsRead = null) =>
        Load(pid, proc ?? ProcRoot.Default, i => i, m => m, keepRaw: false, smapsRead);

    /// <param name="keepRaw">keep the bytes of every file read (capture writes them); a report does not need them.</param>
    internal static ProcessSnapshot Load(int pid, ProcRoot proc, Func<IImageInspector, IImageInspector> wrapImages, Func<IMemoryProbe, IMemoryProbe> wrapMemory,
        bool keepRaw, Action<long>? smapsRead = null)
    {
        string root = proc.ProcessDirectory(pid);
        if (!Directory.Exists(root)) throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}");
        var dir = new ProcDirectory(proc.Process(pid), live: true, keepRaw) { SmapsRead = smapsRead };
        string? exe = proc.Executable(pid);
        if (exe is null) dir.Warnings.Add("exe: the executable's path could not be read");
        string? kernel = proc.KernelRelease();
        var memory = ProcMemProbe.TryOpen(root);
        var snapshot = SnapshotLoader.Load(dir, pid, $"live /proc/{pid}", live: true, exe, (ulong)Environment.SystemPageSize, kernel,
            DateTimeOffset.UtcNow, regions => wrapImages(new FileImageInspector(root)), wrapMemory(memory ?? (IMemoryProbe)NoMemoryProbe.Instance));
        snapshot = snapshot with { MachineMemory = proc.Meminfo()?["MemTotal"] };
        if (memory is null) snapshot = snapshot with { Warnings = [.. snapshot.Warnings, "mem: not readable (needs ptrace access); owners are identified by layout alone, without reading allocator headers"] };
        return snapshot;
    }


    /// <summary>smaps_rollup alone: the process's totals without a page-table walk per mapping; null when it is gone.</summary>
    public static Figures? Rollup(int pid, ProcRoot? proc = null) =>
        (proc ?? ProcRoot.Default).ProcessText(pid, "smaps_rollup") is { } text
            && Formats.Procfs.SmapsFile.Parse(System.Text.Encoding.UTF8.GetBytes(text)).Items.FirstOrDefault() is { } rollup
            ? Figures.Of(rollup.Map, rollup.Counters)
            : null;
}
