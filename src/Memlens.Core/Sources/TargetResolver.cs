using System.Globalization;
using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>Turns what the user typed (a pid, a snapshot path, or a process name) into a snapshot.</summary>
public static class TargetResolver
{
    public static ProcessSnapshot Load(string target, string procRoot = "/proc")
    {
        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return LiveProcess.Load(pid, procRoot);
        if (SnapshotSource.LooksLikeSnapshot(target)) return SnapshotSource.Load(target);
        if (File.Exists(target) && CoreSource.IsCore(target)) return CoreSource.Load(target).Snapshot;
        if (target.Contains('/')) throw new MemlensException(ExitCode.BadInput, $"{target}: no such snapshot directory or .tar.gz file");
        return LiveProcess.Load(ResolveName(target, procRoot), procRoot);
    }

    /// <summary>The one process whose comm or executable name is <paramref name="name"/>; several is an error that lists them.</summary>
    public static int ResolveName(string name, string procRoot = "/proc")
    {
        var matches = new List<(int Pid, string Comm)>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId) continue;
            string? comm = ProcFileReader.TryReadText(Path.Combine(dir, "comm"))?.TrimEnd('\n');
            string? exe = null;
            try { exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (comm == name || (exe is not null && Path.GetFileName(exe.Replace(MapsEntry.DeletedSuffix, "", StringComparison.Ordinal)) == name))
                matches.Add((pid, comm ?? name));
        }
        return matches.Count switch
        {
            0 => throw new MemlensException(ExitCode.NoSuchProcess, $"no process named '{name}'"),
            1 => matches[0].Pid,
            _ => throw new MemlensException(ExitCode.AmbiguousName,
                $"{matches.Count} processes are named '{name}' (pids {string.Join(", ", matches.Take(20).Select(m => m.Pid))}{(matches.Count > 20 ? ", …" : "")}); give one pid"),
        };
    }
}
