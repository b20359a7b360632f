using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources.Files;

/// <summary>A directory shaped like /proc/PID: the live one, or a snapshot that mirrors it.</summary>
public sealed class DirectoryFiles(string root) : ISnapshotFiles
{
    public string Root { get; } = root;
    public string Label => Root;

    public ProcFileReader.Outcome TryRead(string name, out byte[] bytes)
    {
        var outcome = ProcFileReader.TryReadAll(Path.Combine(Root, name), out var buffer, out int length);
        bytes = outcome == ProcFileReader.Outcome.Read ? buffer.AsSpan(0, length).ToArray() : [];
        return outcome;
    }

    public ProcFileReader.Outcome Stream(string name, Action<ReadOnlySpan<byte>> consume) =>
        ProcFileStreamer.Stream(Path.Combine(Root, name), consume);

    public IReadOnlyList<string>? Subdirectories(string directory)
    {
        try { return Directory.GetDirectories(Path.Combine(Root, directory)).Select(Path.GetFileName).OfType<string>().ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public IReadOnlyList<string> TopLevelFiles()
    {
        try { return Directory.GetFiles(Root).Select(Path.GetFileName).OfType<string>().ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
