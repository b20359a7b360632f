using System.Diagnostics;
using System.Globalization;

namespace Memlens.Core.Sources;

/// <summary>
/// `jcmd PID VM.native_memory summary`: Native Memory Tracking's categories, asked of the JVM itself. Attaching makes
/// the JVM do work (it starts its attach listener, and leaves its socket in /tmp), so this runs only when asked for
/// (--runtime), never by default. jcmd is taken from the JVM's own bin directory, else from PATH.
/// </summary>
public static class JvmNativeMemory
{
    public const string SnapshotFile = "jvm-native-memory.txt";
    public const string RuntimeFileKey = "jvm-nmt";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The live JVM's NMT summary added to its snapshot (a snapshot keeps what capture --runtime saved).</summary>
    public static Model.ProcessSnapshot AddTo(Model.ProcessSnapshot snapshot)
    {
        if (snapshot.IsLive && !IsJvm(snapshot))
            throw new MemlensException(ExitCode.BadInput, $"pid {snapshot.Pid}: --runtime asks a HotSpot JVM, and no libjvm.so is mapped in this process");
        return RuntimeQuestions.With(snapshot, "JVM", RuntimeFileKey, () =>
        {
            string? text = Read(snapshot.Pid, snapshot.Exe, out string? problem);
            return (text is null ? null : System.Text.Encoding.UTF8.GetBytes(text), $"Native Memory Tracking: {problem}");
        });
    }

    public static bool IsJvm(Model.ProcessSnapshot s) =>
        s.Regions.Any(r => r.Map.FileBacked && Path.GetFileName(r.Map.FilePath).StartsWith("libjvm.so", StringComparison.Ordinal));

    /// <summary>The summary's text, or null with the reason it could not be had.</summary>
    public static string? Read(int pid, string? exe, out string? problem)
    {
        problem = null;
        string? sibling = exe is null ? null : Path.Combine(Path.GetDirectoryName(exe) ?? "", "jcmd");
        string jcmd = sibling is not null && File.Exists(sibling) ? sibling : "jcmd";
        var start = new ProcessStartInfo(jcmd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { pid.ToString(CultureInfo.InvariantCulture), "VM.native_memory", "summary" }) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                problem = $"{jcmd} did not answer within {Timeout.TotalSeconds:0} s";
                return null;
            }
            string text = output.Result;
            if (process.ExitCode != 0 || text.Length == 0)
            {
                problem = $"{jcmd} {pid} VM.native_memory summary failed (exit {process.ExitCode}): {FirstLine(error.Result + text)}";
                return null;
            }
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            problem = "jcmd was not found (neither beside the JVM's executable nor on PATH): install the JDK's tools";
            return null;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => !l.EndsWith(':')) ?? "no output";
}
