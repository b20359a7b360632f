using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// The files of one process as a source holds them: a live /proc/PID, a snapshot directory, a .tar.gz read in
/// memory, or text pasted from another machine. Names are relative to /proc/PID ("maps", "task/12/syscall").
/// </summary>
public interface ISnapshotFiles
{
    /// <summary>For people: "/proc/1234", "snap.tar.gz", "pasted text (stdin)".</summary>
    string Label { get; }
    ProcFileReader.Outcome TryRead(string name, out byte[] bytes);
    /// <summary>Streams a file in chunks (smaps of 60,000 mappings is read without holding it twice).</summary>
    /// <param name="onLong">called when the file turns out long enough to be read on a second thread (live /proc only).</param>
    ProcFileReader.Outcome Stream(string name, Action<ReadOnlySpan<byte>> consume, Action? onLong = null)
    {
        var outcome = TryRead(name, out var bytes);
        if (outcome == ProcFileReader.Outcome.Read) consume(bytes);
        return outcome;
    }
    /// <summary>The names of the subdirectories of a directory ("task" → the tids), or null when it cannot be listed.</summary>
    IReadOnlyList<string>? Subdirectories(string directory);
    /// <summary>The names of the files at the top level.</summary>
    IReadOnlyList<string> TopLevelFiles();
    bool Exists(string name) => TryRead(name, out _) == ProcFileReader.Outcome.Read;
}
