using Memlens.Core.Model;

namespace Memlens.Core.Sources;

/// <summary>A running process, read from /proc/PID. Only reads; never stops or writes to the target.</summary>
public static class LiveProcess
{
    public static ProcessSnapshot Load(int pid, string procRoot = "/proc") => Load(pid, procRoot, i => i, m => m, keepRaw: false);

    /// <param name="keepRaw">keep the bytes of every file read (capture writes them); a report does not need them.</param>
    internal static ProcessSnapshot Load(int pid, string procRoot, Func<IImageInspector, IImageInspector> wrapImages, Func<IMemoryProbe, IMemoryProbe> wrapMemory, bool keepRaw)
    {
        string root = System.IO.Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(root)) throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}");
        var dir = new ProcDirectory(new Files.DirectoryFiles(root), live: true, keepRaw);
        string? exe = null;
        try { exe = new FileInfo(System.IO.Path.Combine(root, "exe")).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { dir.Warnings.Add("exe: the executable's path could not be read"); }
        string? kernel = ProcFileReaderText("/proc/sys/kernel/osrelease");
        var memory = ProcMemProbe.TryOpen(root);
        var snapshot = SnapshotLoader.Load(dir, pid, $"live /proc/{pid}", live: true, exe, (ulong)Environment.SystemPageSize, kernel,
            DateTimeOffset.UtcNow, regions => wrapImages(new FileImageInspector(root)), wrapMemory(memory ?? (IMemoryProbe)NoMemoryProbe.Instance));
        if (memory is null) snapshot = snapshot with { Warnings = [.. snapshot.Warnings, "mem: not readable (needs ptrace access); owners are identified by layout alone, without reading allocator headers"] };
        return snapshot;
    }

    private static string? ProcFileReaderText(string path) => Formats.Procfs.ProcFileReader.TryReadText(path)?.Trim();
}
