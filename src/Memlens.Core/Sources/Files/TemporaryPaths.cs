using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// Every temporary file or directory memlens makes: named <c>.NAME.memlens-PID-RANDOM.tmp</c> beside the result, so
/// that an interrupted run removes its own (<see cref="RemoveAll"/>, from the signal handler) and a later run removes
/// what a killed one (SIGKILL, a power cut) left behind: entries of this shape, owned by the same user, whose process
/// is gone (<see cref="RemoveStale"/>).
/// </summary>
public static partial class TemporaryPaths
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);

    /// <summary>A fresh, unguessable name beside <paramref name="destination"/> (the caller creates it exclusively).</summary>
    public static string NameBeside(string destination)
    {
        string full = Path.GetFullPath(destination);
        string random = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.memlens-{Environment.ProcessId}-{random}.tmp");
    }

    /// <summary>The signal that asked memlens to stop (SIGINT 2, SIGTERM 15, SIGHUP 1), or 0.</summary>
    public static int Interrupted => _interrupted;
    private static volatile int _interrupted;

    /// <summary>True while a temporary path exists: an interrupt then lets the work stop at its next file and clean up.</summary>
    public static bool AnyLive => !Live.IsEmpty;

    public static void Interrupt(int signal) => _interrupted = signal;

    /// <summary>Called between the files a write makes: after an interrupt, stops the write (its cleanup runs as it unwinds).</summary>
    public static void ThrowIfInterrupted()
    {
        if (_interrupted != 0) throw new OperationCanceledException($"interrupted by signal {_interrupted}");
    }

    public static void Register(string path) => Live[path] = 0;

    public static void Unregister(string path) => Live.TryRemove(path, out _);

    /// <summary>Removes one temporary path (a file or a directory tree) and forgets it. Never throws.</summary>
    public static void Remove(string path)
    {
        TryRemove(path);
        Unregister(path);
    }

    /// <summary>Removes every temporary path this process still has (on SIGINT, SIGTERM, SIGHUP). Never throws.</summary>
    public static void RemoveAll()
    {
        foreach (var path in Live.Keys) Remove(path);
    }

    /// <summary>Removes what killed memlens runs left in <paramref name="directory"/>. Never throws; touches nothing else.</summary>
    public static int RemoveStale(string directory)
    {
        int removed = 0;
        uint me = FileKind.EffectiveUserId();
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(directory, ".*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (var path in entries)
        {
            var m = Ours().Match(Path.GetFileName(path));
            if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;   // its run may still be going
            if (FileKind.OwnerIfNotLink(path) != me) continue;                                // someone else's, or a planted link
            if (TryRemove(path)) removed++;
        }
        return removed;
    }

    /// <summary>
    /// Removes a file or a directory tree. Another thread may still be writing into the directory (the signal handler
    /// runs beside the work): rmdir then fails as the tree grows, so it is tried again; once it succeeds, nothing can
    /// be created in it any more.
    /// </summary>
    private static bool TryRemove(string path)
    {
        // A directory is first renamed aside (same pattern, so a later run cleans it if this does not): the work's
        // next file, created by its old path, then fails instead of growing the tree being removed.
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
        {
            string aside = NameBeside(Path.Combine(Path.GetDirectoryName(path)!, "interrupted"));
            try
            {
                Directory.Move(path, aside);
                path = aside;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!Directory.Exists(path) && !File.Exists(path)) return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"^\..+\.memlens-(\d+)-[0-9a-f]{16}\.tmp$")]
    private static partial Regex Ours();
}
