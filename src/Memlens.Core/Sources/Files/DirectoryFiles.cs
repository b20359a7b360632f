using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources.Files;

/// <summary>A directory shaped like /proc/PID: the live one, or a snapshot that mirrors it.</summary>
public sealed class DirectoryFiles(string root) : ISnapshotFiles
{
    public string Root { get; } = root;
    public string Label => Root;

    /// <param name="live">a /proc directory: its files are not regular files and are read as they are.</param>
    public DirectoryFiles(string root, bool live) : this(root) => Live = live;

    /// <summary>Reading /proc itself; otherwise (a snapshot) only regular files are read: a FIFO would block, a device never end.</summary>
    public bool Live { get; }

    private ProcFileReader.Outcome? NotRegular(string name) =>
        Live || FileKind.IsRegular(Path.Combine(Root, name)) ? null
        : File.Exists(Path.Combine(Root, name)) ? ProcFileReader.Outcome.Denied : ProcFileReader.Outcome.Missing;

    public ProcFileReader.Outcome TryRead(string name, out byte[] bytes)
    {
        if (NotRegular(name) is { } refused)
        {
            bytes = [];
            return refused;
        }
        string path = Path.Combine(Root, name);
        long limit = Live ? int.MaxValue - 1 : SnapshotLimits.For(name);
        long size = Live ? 0 : new FileInfo(path).Length;
        if (size > limit) throw SnapshotLimits.TooLarge(Root, name, size);
        var outcome = ProcFileReader.TryReadAll(path, out var buffer, out int length, (int)limit, (int)size);
        if (length > limit) throw SnapshotLimits.TooLarge(Root, name, length);   // it grew while read
        bytes = outcome != ProcFileReader.Outcome.Read ? [] : length == buffer.Length ? buffer : buffer.AsSpan(0, length).ToArray();
        return outcome;
    }

    public ProcFileReader.Outcome Stream(string name, Action<ReadOnlySpan<byte>> consume, Action? onLong = null) =>
        NotRegular(name) ?? ProcFileStreamer.Stream(Path.Combine(Root, name), consume, onLong);

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
