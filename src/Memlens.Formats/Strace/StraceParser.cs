using System.Text;

namespace Memlens.Formats.Strace;

/// <summary>
/// Reads `strace -f` output as people produce it: with or without [pid N] / leading pids, -t/-tt/-ttt/-r times,
/// -T durations, -y fd paths, -X raw/verbose, -k stacks; joins &lt;unfinished ...&gt; with &lt;... resumed&gt; per
/// thread; reports signals, exits and unreadable lines; tolerates a last line cut short. Only the calls that change
/// an address space are materialised: everything else is skipped after reading its name.
/// </summary>
public sealed class StraceParser(Action<StraceCall> onCall, Action<StraceEvent>? onEvent = null)
{
    public static readonly HashSet<string> MemoryCalls = new(StringComparer.Ordinal)
    {
        "mmap", "mmap2", "munmap", "mprotect", "pkey_mprotect", "mremap", "brk", "madvise", "shmget", "shmat", "shmdt",
        "clone", "clone3", "fork", "vfork", "execve", "execveat",
    };

    private readonly Dictionary<int, (string Name, StringBuilder Text, string? Time, double? Seconds)> _pending = [];
    private readonly List<string> _stack = [];
    private StraceCall? _lastCall;
    private long _line;
    private double _relative;

    public long Lines => _line;
    public long Garbage { get; private set; }
    /// <summary>The pid to use for lines without one (a log of a single process).</summary>
    public int DefaultPid { get; set; }

    public void Line(ReadOnlySpan<byte> raw)
    {
        _line++;
        if (raw.IsEmpty) return;
        if (!raw.IsEmpty && raw[^1] == '\r') raw = raw[..^1];
        // -k stack frames: " > /usr/lib/libc.so.6(mmap64+0x26) [0xf1a26]" follow the call they belong to.
        if (raw.Length > 2 && raw[0] == ' ' && raw[1] == '>')
        {
            if (_lastCall is not null && _stack.Count < 64) _stack.Add(Encoding.UTF8.GetString(raw[2..]).Trim());
            return;
        }
        FlushStack();
        var rest = raw;
        int pid = DefaultPid;
        if (rest.StartsWith("[pid "u8))
        {
            int close = rest.IndexOf((byte)']');
            if (close < 0 || !TryInt(rest[5..close], out pid)) { Bad(raw); return; }
            rest = rest[(close + 1)..];
        }
        else if (!rest.IsEmpty && IsDigit(rest[0]))
        {
            // A leading pid (strace -f -o FILE), or a -t/-ttt/-r time for a single process: a pid has no ':' or '.'.
            int end = 0;
            while (end < rest.Length && IsDigit(rest[end])) end++;
            if (end < rest.Length && rest[end] == ' ' && TryInt(rest[..end], out int leading))
            {
                pid = leading;
                rest = rest[end..];
            }
        }
        rest = TrimStart(rest);
        // The time is decoded only for lines that are kept: most lines of a log are skipped.
        int timeAt = 0, timeLength = 0;
        if (!rest.IsEmpty && IsDigit(rest[0]))
        {
            int end = 0;
            while (end < rest.Length && (IsDigit(rest[end]) || rest[end] == ':' || rest[end] == '.')) end++;
            timeAt = raw.Length - rest.Length;
            timeLength = end;
            rest = TrimStart(rest[end..]);
        }
        var timeSpan = raw.Slice(timeAt, timeLength);
        bool relative = timeLength > 0 && timeSpan.IndexOf((byte)':') < 0 && timeLength < 12;
        if (relative) Seconds(Encoding.ASCII.GetString(timeSpan));   // -r: every line's delta adds to the running time
        string? time = null;
        double? seconds = null;
        if (timeLength > 0 && (rest.StartsWith("+++ "u8) || rest.StartsWith("--- "u8) || rest.StartsWith("<... "u8) || IsMemoryLine(rest)))
        {
            time = Encoding.ASCII.GetString(timeSpan);
            seconds = relative ? _relative : Seconds(time);
        }
        if (rest.StartsWith("+++ "u8)) { onEvent?.Invoke(new StraceEvent(pid, _line, "exit", Encoding.UTF8.GetString(rest))); _pending.Remove(pid); return; }
        if (rest.StartsWith("--- "u8)) { onEvent?.Invoke(new StraceEvent(pid, _line, "signal", Encoding.UTF8.GetString(rest))); return; }
        if (rest.StartsWith("<... "u8))
        {
            int resumed = rest.IndexOf(" resumed>"u8);
            if (resumed < 5) { Bad(raw); return; }   // "<... resumed>": no call name between
            if (!IsMemoryCall(rest[5..resumed])) return;
            string name = CallName(rest[5..resumed]);
            if (_pending.TryGetValue(pid, out var applied) && applied.Name == name + " (applied)")
            {
                _pending.Remove(pid);
                string tail = Encoding.UTF8.GetString(rest[(resumed + " resumed>".Length)..]);
                if (tail.Contains(" = -1 ", StringComparison.Ordinal))
                    onEvent?.Invoke(new StraceEvent(pid, _line, "failed-after-applied", $"{name} was replayed at its start but failed:{tail}"));
                return;
            }
            if (!_pending.Remove(pid, out var start) || start.Name != name)
            {
                onEvent?.Invoke(new StraceEvent(pid, _line, "orphan", $"{name} resumed without its start (the log begins mid-call, or its start was cut)"));
                return;
            }
            start.Text.Append(Encoding.UTF8.GetString(rest[(resumed + " resumed>".Length)..]));
            Complete(pid, start.Name, start.Text.ToString(), start.Time, start.Seconds);
            return;
        }
        int paren = rest.IndexOf((byte)'(');
        if (paren <= 0 || !IsName(rest[..paren])) { Bad(raw); return; }
        if (!IsMemoryCall(rest[..paren]))
        {
            // Most lines of a log; skipped without allocating.
            if (_pending.Count > 0 && rest.EndsWith("<unfinished ...>"u8)) _pending.Remove(pid);
            return;
        }
        string call = CallName(rest[..paren]);
        var body = rest[(paren + 1)..];
        if (body.EndsWith("<unfinished ...>"u8))
        {
            string started = Encoding.UTF8.GetString(body[..^"<unfinished ...>".Length]).TrimEnd();
            // An unmap takes effect while the call is in the kernel, and another thread's mmap that resumes first
            // may already reuse the space it frees. Its arguments are complete at the start, so it is replayed there.
            if (call is "munmap" or "shmdt")
            {
                Complete(pid, call, started + ") = 0", time, seconds);
                _pending[pid] = (call + " (applied)", new StringBuilder(), time, seconds);
                return;
            }
            if (_pending.Count < StraceLimits.MaxPending) _pending[pid] = (call, new StringBuilder(started), time, seconds);
            return;
        }
        Complete(pid, call, body, time, seconds);
    }

    /// <summary>Ends the log: calls still unfinished are reported, not replayed.</summary>
    public void End(bool lastLineCut)
    {
        FlushStack();
        foreach (var (pid, p) in _pending)
            onEvent?.Invoke(new StraceEvent(pid, _line, "unfinished", $"{p.Name} never completed in the log (the process was killed, or the log was cut)"));
        _pending.Clear();
        if (lastLineCut) onEvent?.Invoke(new StraceEvent(DefaultPid, _line, "cut", "the log's last line was cut short; it was read as far as it goes"));
    }

    private void Complete(int pid, string name, string text, string? time, double? seconds) => Complete(pid, name, text.AsSpan(), time, seconds);

    private void Complete(int pid, string name, ReadOnlySpan<byte> text, string? time, double? seconds)
    {
        // Decoded once onto the stack when it fits (an mmap line is about 150 bytes): no string but the parts kept.
        int count = Encoding.UTF8.GetMaxCharCount(text.Length);
        char[]? rented = count > 1024 ? System.Buffers.ArrayPool<char>.Shared.Rent(count) : null;
        Span<char> chars = rented ?? stackalloc char[1024];
        int n = Encoding.UTF8.GetChars(text, chars);
        Complete(pid, name, chars[..n], time, seconds);
        if (rented is not null) System.Buffers.ArrayPool<char>.Shared.Return(rented);
    }

    private void Complete(int pid, string name, ReadOnlySpan<char> text, string? time, double? seconds)
    {
        // text is "args)   = result <duration>": strace pads short lines before the " = ", so the result starts
        // after the last " = " and the arguments end at the ')' before it.
        int eq = text.LastIndexOf(" = ", StringComparison.Ordinal);
        var args = eq < 0 ? [] : text[..eq].TrimEnd();
        if (eq < 0 || !args.EndsWith(")", StringComparison.Ordinal)) { Bad(Encoding.UTF8.GetBytes(name + "(" + text.ToString())); return; }
        var result = text[(eq + 3)..].Trim();
        int duration = result.LastIndexOf(" <", StringComparison.Ordinal);
        if (duration > 0 && result.EndsWith(">", StringComparison.Ordinal)) result = result[..duration];
        var call = new StraceCall(pid, _line, time, seconds, name, SplitArgs(args[..^1]), result.ToString(), []);
        _lastCall = call;
        onCall(call);
    }

    private void FlushStack()
    {
        if (_lastCall is null || _stack.Count == 0) { _stack.Clear(); return; }
        // Frames arrive after the call was delivered; they are attached for provenance only.
        onEvent?.Invoke(new StraceEvent(_lastCall.Pid, _lastCall.Line, "stack", string.Join(" < ", _stack)));
        _stack.Clear();
    }

    /// <summary>Splits at commas that are not inside (), [], {} or quotes.</summary>
    public static List<string> SplitArgs(string args) => SplitArgs(args.AsSpan());

    /// <summary>Splits at commas that are not inside (), [], {} or quotes; a string per argument, none for the whole.</summary>
    public static List<string> SplitArgs(ReadOnlySpan<char> args)
    {
        var list = new List<string>();
        int depth = 0, start = 0;
        bool quoted = false;
        for (int i = 0; i < args.Length; i++)
        {
            char c = args[i];
            if (quoted) { if (c == '\\') i++; else if (c == '"') quoted = false; continue; }
            switch (c)
            {
                case '"': quoted = true; break;
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': depth--; break;
                case ',' when depth == 0:
                    list.Add(args[start..i].Trim().ToString());
                    start = i + 1;
                    break;
            }
        }
        if (args.Length > start || list.Count > 0) list.Add(args[start..].Trim().ToString());
        return list;
    }

    private double? Seconds(string time)
    {
        // "hh:mm:ss[.ffffff]" without splitting into strings: it is parsed for every kept line.
        if (time.Length >= 8 && time[2] == ':' && time[5] == ':' && int.TryParse(time.AsSpan(0, 2), out int h) && int.TryParse(time.AsSpan(3, 2), out int m) &&
            double.TryParse(time.AsSpan(6), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s))
            return (h * 3600) + (m * 60) + s;
        if (!double.TryParse(time, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)) return null;
        // -r prints the time since the previous line; small values are relative, large ones epoch seconds (-ttt).
        if (v < 1_000_000) { _relative += v; return _relative; }
        return v;
    }

    private void Bad(ReadOnlySpan<byte> raw)
    {
        Garbage++;
        if (Garbage <= 20) onEvent?.Invoke(new StraceEvent(DefaultPid, _line, "garbage", Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 120)])));
    }

    /// <summary>The call's name as one shared string (they repeat millions of times in a long log).</summary>
    private static string CallName(ReadOnlySpan<byte> name)
    {
        foreach (var known in MemoryCalls)
            if (known.Length == name.Length && MatchesAscii(known, name)) return known;
        return Encoding.ASCII.GetString(name);
    }

    private static bool MatchesAscii(string s, ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < s.Length; i++) if (s[i] != b[i]) return false;
        return true;
    }

    private static bool IsMemoryLine(ReadOnlySpan<byte> rest)
    {
        int paren = rest.IndexOf((byte)'(');
        return paren > 0 && IsMemoryCall(rest[..paren]);
    }

    /// <summary>Membership in <see cref="MemoryCalls"/> without making a string.</summary>
    private static bool IsMemoryCall(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("brk"u8),
        4 => name.SequenceEqual("mmap"u8) || name.SequenceEqual("fork"u8),
        5 => name.SequenceEqual("mmap2"u8) || name.SequenceEqual("shmat"u8) || name.SequenceEqual("shmdt"u8) || name.SequenceEqual("clone"u8) || name.SequenceEqual("vfork"u8),
        6 => name.SequenceEqual("munmap"u8) || name.SequenceEqual("mremap"u8) || name.SequenceEqual("shmget"u8) || name.SequenceEqual("clone3"u8) || name.SequenceEqual("execve"u8),
        7 => name.SequenceEqual("madvise"u8),
        8 => name.SequenceEqual("mprotect"u8) || name.SequenceEqual("execveat"u8),
        13 => name.SequenceEqual("pkey_mprotect"u8),
        _ => false,
    };

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
    private static bool IsName(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s) if (!(b is >= (byte)'a' and <= (byte)'z' || b is >= (byte)'0' and <= (byte)'9' || b == '_')) return false;
        return true;
    }
    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> s) { int i = 0; while (i < s.Length && s[i] == ' ') i++; return s[i..]; }
    private static bool TryInt(ReadOnlySpan<byte> s, out int v)
    {
        v = 0;
        s = TrimStart(s);
        if (s.IsEmpty || s.Length > 9) return false;
        foreach (byte b in s) { if (!IsDigit(b)) return false; v = (v * 10) + (b - '0'); }
        return true;
    }
}
