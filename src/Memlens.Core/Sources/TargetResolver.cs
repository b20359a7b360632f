using System.Globalization;
using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>Turns what the user typed (a pid, a snapshot path, or a process name) into a snapshot.</summary>
public static class TargetResolver
{
    /// <param name="stdin">where "-" reads pasted text from (the console's input by default).</param>
    /// <param name="smapsRead">told the bytes of a live process's smaps read so far, for a progress line.</param>
    public static ProcessSnapshot Load(string target, ProcRoot? proc = null, TextReader? stdin = null, Action<long>? smapsRead = null)
    {
        if (target == "-") return SnapshotSource.LoadPasted(ReadPasted(stdin ?? Console.In), "(standard input)");
        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return LiveProcess.Load(pid, proc, smapsRead);
        if (Directory.Exists(target)) return SnapshotSource.Load(target);
        if (File.Exists(target)) return CoreSource.IsCore(target) ? CoreSource.Load(target).Snapshot : SnapshotSource.Load(target);
        if (target.Contains('/')) throw new MemlensException(ExitCode.BadInput, $"{target}: no such snapshot directory, archive, core or file of /proc text");
        return LiveProcess.Load(ResolveName(target, proc), proc, smapsRead);
    }

    /// <summary>Reads pasted text up to <see cref="SnapshotSource.MaxPastedBytes"/> characters, growing as it reads.</summary>
    private static string ReadPasted(TextReader reader)
    {
        var text = new System.Text.StringBuilder();
        var chunk = new char[64 * 1024];
        int n;
        while ((n = reader.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (text.Length + n > SnapshotSource.MaxPastedBytes)
                throw new MemlensException(ExitCode.BadInput, $"standard input: more than {SnapshotSource.MaxPastedBytes >> 20} Mi characters; that is not pasted /proc text");
            text.Append(chunk, 0, n);
        }
        return text.ToString();
    }

    /// <summary>The one process whose comm or executable name is <paramref name="name"/>; several is an error that lists them.</summary>
    public static int ResolveName(string name, ProcRoot? proc = null)
    {
        var matches = new List<(int Pid, string Comm)>();
        proc ??= ProcRoot.Default;
        foreach (int pid in proc.Pids())
        {
            if (pid == Environment.ProcessId) continue;
            string? comm = proc.ProcessText(pid, "comm")?.TrimEnd('\n');
            string? exe = proc.Executable(pid);
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
