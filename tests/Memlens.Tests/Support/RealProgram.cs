using System.Diagnostics;

namespace Memlens.Tests.Support;

/// <summary>
/// A real program from the distribution's packages (redis-server, java, node, postgres, python3), started by a test
/// and waited for until it says it is ready; killed with its children when disposed.
/// </summary>
public sealed class RealProgram : IDisposable
{
    private readonly Process _process;
    private readonly Action? _stop;

    private RealProgram(Process process, int pid, Action? stop)
    {
        _process = process;
        Pid = pid;
        _stop = stop;
    }

    /// <summary>The pid to examine (the program's, not a wrapper's).</summary>
    public int Pid { get; }

    public static RealProgram Start(string file, IEnumerable<string> args, Func<Process, int?> ready, Action? stop = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // A guard against a program that never gets ready, not a speed assertion.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (ready(process) is int pid) return new RealProgram(process, pid, stop);
            if (process.HasExited && stop is null) throw new InvalidOperationException($"{file} exited: {process.StandardError.ReadToEnd()}");
            Thread.Sleep(100);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{file} did not become ready");
    }

    /// <summary>Waits for a line starting with "ready" on standard output; the program's own pid.</summary>
    public static Func<Process, int?> ReadyLine()
    {
        Task<string?>? line = null;
        return p =>
        {
            line ??= p.StandardOutput.ReadLineAsync();
            if (!line.IsCompleted) return null;
            return line.Result?.StartsWith("ready", StringComparison.Ordinal) == true ? p.Id : throw new InvalidOperationException($"not ready: {line.Result}");
        };
    }

    /// <summary>Runs a command to its end and returns its standard output (for the programs' own figures).</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return stdout.Result + stderr.Result;
    }

    /// <summary>Copies the process's /proc files as a person would (no manifest, no task/, no binaries) into a new directory.</summary>
    public string PlainCopy(string into)
    {
        foreach (var name in new[] { "maps", "smaps", "status", "statm", "cmdline", "comm", "stat" })
            File.WriteAllBytes(Path.Combine(into, name), File.ReadAllBytes($"/proc/{Pid}/{name}"));
        return into;
    }

    public void Dispose()
    {
        try { _stop?.Invoke(); } catch (Exception e) when (e is InvalidOperationException or IOException) { }
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
