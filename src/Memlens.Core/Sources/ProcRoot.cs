using System.Globalization;
using Memlens.Core.Sources.Files;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// The procfs mount memlens reads (/proc, or another for tests): the one place a /proc path is built. Commands,
/// sources and builders ask it for a process's files or a machine-wide file.
/// </summary>
public sealed class ProcRoot(string path)
{
    public static readonly ProcRoot Default = new("/proc");

    public string Path { get; } = path;

    public string ProcessDirectory(int pid) => System.IO.Path.Combine(Path, pid.ToString(CultureInfo.InvariantCulture));
    public bool HasProcess(int pid) => Directory.Exists(ProcessDirectory(pid));
    public DirectoryFiles Process(int pid) => new(ProcessDirectory(pid), live: true);

    /// <summary>A file of one process ("status", "smaps_rollup"), or null when it is gone or unreadable.</summary>
    public string? ProcessText(int pid, string name) => ProcFileReader.TryReadText(System.IO.Path.Combine(ProcessDirectory(pid), name));

    /// <summary>The target of /proc/PID/exe, or null when it cannot be read.</summary>
    public string? Executable(int pid)
    {
        try { return new FileInfo(System.IO.Path.Combine(ProcessDirectory(pid), "exe")).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>A machine-wide file, relative to the root ("meminfo", "sys/kernel/osrelease", "self/mountinfo").</summary>
    public string? Text(string relative) => ProcFileReader.TryReadText(System.IO.Path.Combine(Path, relative));
    public string FilePath(string relative) => System.IO.Path.Combine(Path, relative);

    public MeminfoFile? Meminfo() =>
        ProcFileReader.TryReadAll(FilePath("meminfo"), out var b, out int l) == ProcFileReader.Outcome.Read ? MeminfoFile.Parse(b.AsSpan(0, l)) : null;

    public string? KernelRelease() => Text("sys/kernel/osrelease")?.Trim();

    /// <summary>Every numeric directory: the pids of the processes that exist now.</summary>
    public IReadOnlyList<int> Pids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(Path))
            if (int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
        return pids;
    }
}
