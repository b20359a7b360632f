using Memlens.Core.Model;
using Memlens.Core.Sources.Files;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// Reads a directory shaped like /proc/PID: the live one, or a snapshot that mirrors it. Both go through
/// this one path so that a snapshot is analysed exactly like the process it was taken from.
/// </summary>
internal sealed class ProcDirectory(ISnapshotFiles files, bool live, bool keepRaw)
{
    public const int MaxThreads = 100_000;
    private readonly Dictionary<string, byte[]> _raw = new(StringComparer.Ordinal);

    public ISnapshotFiles Files { get; } = files;
    /// <summary>Told the bytes of smaps read so far, chunk by chunk (a progress line for a large address space).</summary>
    public Action<long>? SmapsRead { get; init; }
    public string Root => Files.Label;
    public List<string> Warnings { get; } = [];
    public IReadOnlyDictionary<string, byte[]> Raw => _raw;

    /// <summary>Reads a file relative to the root; null with a warning when it is missing or unreadable (unless optional).</summary>
    public byte[]? Read(string name, bool warnIfMissing = true, bool text = true)
    {
        var outcome = Files.TryRead(name, out var bytes);
        return Accept(name, outcome, bytes, warnIfMissing, text);
    }

    /// <summary>
    /// Starts reading a file on another thread, for a file the kernel takes long to produce (smaps_rollup walks every
    /// page table) while this thread reads another; <see cref="Accept"/> the result on this thread.
    /// </summary>
    public Task<(ProcFileReader.Outcome Outcome, byte[] Bytes)> ReadAside(string name) =>
        Task.Run(() => (Files.TryRead(name, out var bytes), bytes));

    /// <summary>What <see cref="Read"/> does with a file's outcome: warn, keep the raw bytes, normalise line endings.</summary>
    public byte[]? Accept(string name, ProcFileReader.Outcome outcome, byte[] bytes, bool warnIfMissing = true, bool text = true)
    {
        switch (outcome)
        {
            case ProcFileReader.Outcome.Read:
                if (!live && text) bytes = Formats.Text.LineEndings.ToLf(bytes);   // copied through Windows, or pasted
                if (keepRaw) _raw[name] = bytes;
                return bytes;
            case ProcFileReader.Outcome.Denied:
                Warnings.Add(live ? $"{name}: permission denied; what depends on it is missing from this report"
                    : $"{name}: not a readable regular file (permission, or a FIFO, device or socket); what depends on it is missing from this report");
                return null;
            case ProcFileReader.Outcome.Vanished:
                if (live) Warnings.Add($"{name}: the process or thread exited while it was read");
                return null;
            default:
                if (warnIfMissing) Warnings.Add($"{name}: not present; what depends on it is missing from this report");
                return null;
        }
    }

    /// <summary>Streams and parses smaps as the kernel produces it; keeps its bytes only when asked to (capture).</summary>
    /// <param name="onLong">called when smaps is long enough to be read on a second thread (a large address space).</param>
    public ParsedList<SmapsEntry>? ReadSmaps(Action? onLong = null)
    {
        var parser = new SmapsParser();
        MemoryStream? raw = keepRaw && live ? new MemoryStream() : null;
        ProcFileReader.Outcome outcome;
        long read = 0;
        if (live)
            outcome = Files.Stream("smaps", chunk =>
            {
                parser.Feed(chunk);
                raw?.Write(chunk);
                SmapsRead?.Invoke(read += chunk.Length);
            }, onLong);
        else if ((outcome = Files.TryRead("smaps", out var saved)) == ProcFileReader.Outcome.Read)
        {
            saved = Formats.Text.LineEndings.ToLf(saved);
            parser.Feed(saved);
            if (keepRaw) _raw["smaps"] = saved;   // already whole: no second copy
        }
        if (outcome != ProcFileReader.Outcome.Read)
        {
            if (outcome == ProcFileReader.Outcome.Denied) Warnings.Add("smaps: permission denied; what depends on it is missing from this report");
            else if (outcome == ProcFileReader.Outcome.Vanished && live) Warnings.Add("smaps: the process exited while it was read");
            return null;
        }
        if (raw is not null) _raw["smaps"] = raw.ToArray();
        return parser.Complete();
    }

    public IReadOnlyList<ThreadInfo> ReadThreads()
    {
        var listed = Files.Subdirectories("task");
        if (listed is null)
        {
            if (live) Warnings.Add("task/: the thread list could not be read; thread stacks are found by the guard-page pattern only");
            else Warnings.Add("task/: no thread list; thread stacks are found by the guard-page pattern only, and which stacks belong to no live thread cannot be told");
            return [];
        }
        var tids = listed.Where(n => n.Length > 0 && n.All(char.IsAsciiDigit)).ToArray();
        var threads = new List<ThreadInfo>();
        foreach (var tid in tids.OrderBy(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).Take(MaxThreads))
        {
            var comm = Read($"task/{tid}/comm", warnIfMissing: false);
            Read($"task/{tid}/stat", warnIfMissing: false);
            TaskSyscall? syscall = null;
            string? problem = null;
            switch (Files.TryRead($"task/{tid}/syscall", out var bytes))
            {
                case ProcFileReader.Outcome.Read:
                    _raw[$"task/{tid}/syscall"] = bytes;
                    syscall = TaskSyscall.Parse(bytes);
                    if (syscall is null) problem = "syscall file is malformed";
                    else if (syscall.Running) problem = "the thread was running on a CPU, so its stack pointer was not readable";
                    break;
                case ProcFileReader.Outcome.Denied: problem = "syscall: permission denied (needs ptrace access)"; break;
                case ProcFileReader.Outcome.Vanished: problem = "the thread exited while it was read"; break;
                default: problem = "syscall was not captured"; break;
            }
            threads.Add(new ThreadInfo(int.Parse(tid, System.Globalization.CultureInfo.InvariantCulture),
                comm is null ? null : System.Text.Encoding.UTF8.GetString(comm).TrimEnd('\n'), syscall, problem));
        }
        if (tids.Length > MaxThreads) Warnings.Add($"task/: {tids.Length} threads; only the first {MaxThreads} were read");
        return threads;
    }

    public void Forget(string name) => _raw.Remove(name);
}
