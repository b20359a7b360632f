using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// Reads a directory shaped like /proc/PID: the live one, or a snapshot that mirrors it. Both go through
/// this one path so that a snapshot is analysed exactly like the process it was taken from.
/// </summary>
internal sealed class ProcDirectory(string root, bool live, bool keepRaw = true)
{
    public const int MaxThreads = 100_000;
    private readonly Dictionary<string, byte[]> _raw = new(StringComparer.Ordinal);

    public string Root { get; } = root;
    public List<string> Warnings { get; } = [];
    public IReadOnlyDictionary<string, byte[]> Raw => _raw;

    /// <summary>Reads a file relative to the root; null with a warning when it is missing or unreadable (unless optional).</summary>
    public byte[]? Read(string name, bool warnIfMissing = true)
    {
        var outcome = ProcFileReader.TryReadAll(System.IO.Path.Combine(Root, name), out var bytes, out int length);
        switch (outcome)
        {
            case ProcFileReader.Outcome.Read:
                var exact = bytes.AsSpan(0, length).ToArray();
                _raw[name] = exact;
                return exact;
            case ProcFileReader.Outcome.Denied:
                Warnings.Add($"{name}: permission denied; what depends on it is missing from this report");
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
    public ParsedList<SmapsEntry>? ReadSmaps()
    {
        var parser = new SmapsParser();
        MemoryStream? raw = keepRaw ? new MemoryStream() : null;
        var outcome = ProcFileStreamer.Stream(System.IO.Path.Combine(Root, "smaps"), chunk =>
        {
            parser.Feed(chunk);
            raw?.Write(chunk);
        });
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
        var taskDir = System.IO.Path.Combine(Root, "task");
        string[] tids;
        try
        {
            tids = Directory.GetDirectories(taskDir).Select(System.IO.Path.GetFileName).OfType<string>()
                .Where(n => n.All(char.IsAsciiDigit)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warnings.Add("task/: the thread list could not be read; thread stacks are found by the guard-page pattern only");
            return [];
        }
        var threads = new List<ThreadInfo>();
        foreach (var tid in tids.OrderBy(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).Take(MaxThreads))
        {
            var comm = Read($"task/{tid}/comm", warnIfMissing: false);
            Read($"task/{tid}/stat", warnIfMissing: false);
            var sysPath = System.IO.Path.Combine(Root, "task", tid, "syscall");
            TaskSyscall? syscall = null;
            string? problem = null;
            switch (ProcFileReader.TryReadAll(sysPath, out var bytes, out int length))
            {
                case ProcFileReader.Outcome.Read:
                    _raw[$"task/{tid}/syscall"] = bytes.AsSpan(0, length).ToArray();
                    syscall = TaskSyscall.Parse(bytes.AsSpan(0, length));
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
