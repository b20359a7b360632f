namespace Memlens.Core.Sources;

/// <summary>
/// `--runtime`: ask the process's runtime for its own figures — a HotSpot JVM for its Native Memory Tracking summary
/// (jcmd), CoreCLR for its GC figures (diagnostic port). Never done without the option: the runtime does work for it.
/// </summary>
public static class RuntimeQuestions
{
    public static Model.ProcessSnapshot AddTo(Model.ProcessSnapshot snapshot)
    {
        if (DotnetRuntimeCounters.IsCoreClr(snapshot)) return DotnetRuntimeCounters.AddTo(snapshot);
        if (JvmNativeMemory.IsJvm(snapshot)) return JvmNativeMemory.AddTo(snapshot);
        throw new MemlensException(ExitCode.BadInput, $"pid {snapshot.Pid}: --runtime asks a .NET runtime (libcoreclr.so) or a HotSpot JVM (libjvm.so), and neither is mapped in this process");
    }

    /// <summary>The runtime's answer added to a live process's snapshot; a snapshot keeps what `capture --runtime` saved.</summary>
    internal static Model.ProcessSnapshot With(Model.ProcessSnapshot snapshot, string runtime, string key, Func<(byte[]? Answer, string? Problem)> ask)
    {
        if (!snapshot.IsLive)
            throw new MemlensException(ExitCode.Usage, $"--runtime asks a running {runtime}; a snapshot holds its answer only if it was captured with --runtime");
        var (answer, problem) = ask();
        if (answer is null) throw new MemlensException(ExitCode.BadInput, $"pid {snapshot.Pid}: the {runtime}'s figures could not be read: {problem}");
        return snapshot with { RuntimeFiles = new Dictionary<string, byte[]>(snapshot.RuntimeFiles) { [key] = answer } };
    }

    /// <summary>What a runtime answered, by snapshot file name, for capture to save beside the /proc files.</summary>
    public static IEnumerable<(string SnapshotFile, byte[] Bytes)> Answers(Model.ProcessSnapshot snapshot)
    {
        if (snapshot.RuntimeFiles.TryGetValue(JvmNativeMemory.RuntimeFileKey, out var nmt)) yield return (JvmNativeMemory.SnapshotFile, nmt);
        if (snapshot.RuntimeFiles.TryGetValue(DotnetRuntimeCounters.RuntimeFileKey, out var dotnet)) yield return (DotnetRuntimeCounters.SnapshotFile, dotnet);
    }
}
