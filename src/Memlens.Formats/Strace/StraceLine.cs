using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Memlens.Formats.Strace;

/// <summary>What one line of an strace log is, before any state (pending calls, running time) is applied.</summary>
public enum StraceLineKind : byte
{
    /// <summary>A call that does not change an address space: nothing to do but count the line.</summary>
    Skip,
    Empty,
    /// <summary>A -k frame (" > /usr/lib/libc.so.6(mmap64+0x26) [0xf1a26]").</summary>
    Stack,
    Exit,
    Signal,
    /// <summary>"&lt;... mmap resumed&gt;…" of an address-space call.</summary>
    Resumed,
    /// <summary>An address-space call whose result is on this line.</summary>
    Call,
    /// <summary>An address-space call left "&lt;unfinished ...&gt;".</summary>
    Unfinished,
    /// <summary>Another call left unfinished: its thread's pending address-space call, if any, is forgotten.</summary>
    OtherUnfinished,
    Garbage,
}

/// <summary>
/// One line as <see cref="StraceLine.Scan"/> read it: offsets into the line, so a log can be scanned in parallel and
/// only the lines that matter handed on. Scanning keeps no state; <see cref="StraceParser"/> applies it in order.
/// </summary>
public readonly struct StraceLine
{
    public const int NoPid = -1;

    public StraceLineKind Kind { get; init; }
    /// <summary>The pid before the call, or <see cref="NoPid"/> (a log of one process).</summary>
    public int Pid { get; init; }
    public int TimeAt { get; init; }
    public int TimeLength { get; init; }
    /// <summary>A -r time: the seconds since the previous line, which the reader adds up.</summary>
    public bool RelativeTime { get; init; }
    /// <summary>The address-space call of a Call, Unfinished or Resumed line.</summary>
    public StraceCallKind Call { get; init; }
    /// <summary>Where the text after the prefix starts: the call's arguments, a resumed tail, an event's text.</summary>
    public int BodyAt { get; init; }
    /// <summary>The line without its trailing '\r'.</summary>
    public int Length { get; init; }

    public ReadOnlySpan<byte> Body(ReadOnlySpan<byte> line) => line[BodyAt..Length];
    public ReadOnlySpan<byte> Time(ReadOnlySpan<byte> line) => line.Slice(TimeAt, TimeLength);

    /// <summary>Reads a line's pid, time and call name; the arguments are left for the lines that are kept.</summary>
    public static StraceLine Scan(ReadOnlySpan<byte> raw)
    {
        // Called for every line of logs of gigabytes: one pass over the prefix and the name, no copies of the result.
        int length = raw.Length;
        if (length > 0 && raw[length - 1] == '\r') length--;
        if (length == 0) return new StraceLine { Kind = StraceLineKind.Empty, Pid = NoPid };
        raw = raw[..length];
        if (length > 2 && raw[0] == ' ' && raw[1] == '>') return new StraceLine { Kind = StraceLineKind.Stack, Pid = NoPid, BodyAt = 2, Length = length };
        int at = 0, pid = NoPid;
        if (raw[0] == '[')
        {
            int close = raw.IndexOf((byte)']');
            if (!raw.StartsWith("[pid "u8) || close < 0 || !TryInt(raw[5..close], out pid)) return Bad(length);
            at = close + 1;
        }
        else if (IsDigit(raw[0]))
        {
            // A leading pid (strace -f -o FILE), or a -t/-ttt/-r time for a single process: a pid has no ':' or '.'.
            int value = 0;
            while (at < length && IsDigit(raw[at]) && at < 9) value = (value * 10) + (raw[at++] - '0');
            if (at < length && raw[at] == ' ') pid = value;
            else at = 0;
        }
        while (at < length && raw[at] == ' ') at++;
        int timeAt = at, timeLength = 0;
        bool colon = false;
        if (at < length && IsDigit(raw[at]))
        {
            int end = at;
            if (IsMicrosecondClock(raw[at..])) (end, colon) = (at + 15, true);   // -tt, the usual: 16 bytes at once
            for (; end < length; end++)
            {
                byte b = raw[end];
                if (b == ':') colon = true;
                else if (b != '.' && !IsDigit(b)) break;
            }
            timeLength = end - at;
            at = end;
            while (at < length && raw[at] == ' ') at++;
        }
        bool relative = timeLength > 0 && !colon && timeLength < 12;
        var kind = StraceLineKind.Skip;
        int call = -1, bodyAt = at;
        byte first = at < length ? raw[at] : (byte)0;
        var rest = raw[at..];
        if (first == '+' && rest.StartsWith("+++ "u8)) kind = StraceLineKind.Exit;
        else if (first == '-' && rest.StartsWith("--- "u8)) kind = StraceLineKind.Signal;
        else if (first == '<' && rest.StartsWith("<... "u8))
        {
            int resumed = rest.IndexOf(" resumed>"u8);
            if (resumed < 5) kind = StraceLineKind.Garbage;   // "<... resumed>": no call name between
            else if ((call = StraceCallNames.IndexOf(rest[5..resumed])) >= 0)
            {
                kind = StraceLineKind.Resumed;
                bodyAt = at + resumed + " resumed>".Length;
            }
        }
        else
        {
            int name = raw[at..].IndexOfAnyExcept(NameBytes);
            int end = name < 0 ? length : at + name;
            if (end == at || end == length || raw[end] != '(') kind = StraceLineKind.Garbage;
            else
            {
                call = StraceCallNames.IndexOf(raw[at..end]);
                bool unfinished = raw.EndsWith("<unfinished ...>"u8);
                if (call < 0) kind = unfinished ? StraceLineKind.OtherUnfinished : StraceLineKind.Skip;
                else
                {
                    kind = unfinished ? StraceLineKind.Unfinished : StraceLineKind.Call;
                    bodyAt = end + 1;
                }
            }
        }
        return new StraceLine
        {
            Kind = kind,
            Pid = pid,
            TimeAt = timeAt,
            TimeLength = timeLength,
            RelativeTime = relative,
            Call = (StraceCallKind)Math.Max(call, 0),
            BodyAt = bodyAt,
            Length = length,
        };
    }

    /// <summary>
    /// "hh:mm:ss[.ffffff]" (seconds since midnight) or epoch seconds; null when there is no time. A -r time is not
    /// absolute: the reader adds them up.
    /// </summary>
    public static double? AbsoluteSeconds(ReadOnlySpan<byte> time)
    {
        if (time.IsEmpty) return null;
        if (time.Length >= 8 && time[2] == ':' && time[5] == ':' && TryInt(time[..2], out int h) && TryInt(time[3..5], out int m) &&
            Utf8Parser.TryParse(time[6..], out double s, out int used) && used == time.Length - 6)
            return (h * 3600) + (m * 60) + s;
        return Utf8Parser.TryParse(time, out double v, out int n) && n == time.Length ? v : null;
    }

    /// <summary>"12:34:56.789012 " at the start of <paramref name="s"/>: digits, ':', ':', '.' and a blank in their places.</summary>
    private static bool IsMicrosecondClock(ReadOnlySpan<byte> s)
    {
        if (s.Length < 16) return false;
        var v = Vector128.Create(s[..16]);
        uint digits = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'0'), Vector128.Create((byte)9)).ExtractMostSignificantBits();
        uint marks = Vector128.Equals(v, ClockMarks).ExtractMostSignificantBits();
        return (digits & ClockDigits) == ClockDigits && (marks & ClockMarkBits) == ClockMarkBits;
    }

    private static readonly System.Buffers.SearchValues<byte> NameBytes = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_"u8);

    private const uint ClockDigits = 0b0111_1110_1101_1011;   // bytes 0-1, 3-4, 6-7, 9-14
    private const uint ClockMarkBits = 0b1000_0001_0010_0100; // bytes 2, 5, 8, 15
    private static readonly Vector128<byte> ClockMarks = Vector128.Create((byte)0, 0, (byte)':', 0, 0, (byte)':', 0, 0, (byte)'.', 0, 0, 0, 0, 0, 0, (byte)' ');

    private static StraceLine Bad(int length) => new() { Kind = StraceLineKind.Garbage, Pid = NoPid, Length = length };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
    private static int SkipSpaces(ReadOnlySpan<byte> s, int i) { while (i < s.Length && s[i] == ' ') i++; return i; }

    internal static bool TryInt(ReadOnlySpan<byte> s, out int v)
    {
        v = 0;
        s = s[SkipSpaces(s, 0)..];
        if (s.IsEmpty || s.Length > 9) return false;
        foreach (byte b in s) { if (!IsDigit(b)) return false; v = (v * 10) + (b - '0'); }
        return true;
    }
}

/// <summary>The calls that change an address space; the order of <see cref="StraceCallNames.All"/>.</summary>
public enum StraceCallKind : byte
{
    Mmap, Mmap2, Munmap, Mprotect, PkeyMprotect, Mremap, Brk, Madvise, Shmget, Shmat, Shmdt, Clone, Clone3, Fork, Vfork, Execve, Execveat,
}

/// <summary>The calls that change an address space, by index, as shared strings (they repeat millions of times).</summary>
public static class StraceCallNames
{
    public static readonly string[] All =
    [
        "mmap", "mmap2", "munmap", "mprotect", "pkey_mprotect", "mremap", "brk", "madvise", "shmget", "shmat", "shmdt",
        "clone", "clone3", "fork", "vfork", "execve", "execveat",
    ];

    /// <summary>The index of a call name in <see cref="All"/>, or -1; no string is made.</summary>
    public static int IndexOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("brk"u8) ? 6 : -1,
        4 => name.SequenceEqual("mmap"u8) ? 0 : name.SequenceEqual("fork"u8) ? 13 : -1,
        5 => name.SequenceEqual("mmap2"u8) ? 1 : name.SequenceEqual("shmat"u8) ? 9 : name.SequenceEqual("shmdt"u8) ? 10
            : name.SequenceEqual("clone"u8) ? 11 : name.SequenceEqual("vfork"u8) ? 14 : -1,
        6 => name.SequenceEqual("munmap"u8) ? 2 : name.SequenceEqual("mremap"u8) ? 5 : name.SequenceEqual("shmget"u8) ? 8
            : name.SequenceEqual("clone3"u8) ? 12 : name.SequenceEqual("execve"u8) ? 15 : -1,
        7 => name.SequenceEqual("madvise"u8) ? 7 : -1,
        8 => name.SequenceEqual("mprotect"u8) ? 3 : name.SequenceEqual("execveat"u8) ? 16 : -1,
        13 => name.SequenceEqual("pkey_mprotect"u8) ? 4 : -1,
        _ => -1,
    };
}
