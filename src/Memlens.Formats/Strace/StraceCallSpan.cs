using System.Runtime.CompilerServices;
using System.Text;

namespace Memlens.Formats.Strace;

/// <summary>
/// One completed address-space call as the bytes of its line: its arguments are found but not copied, so replaying a
/// call makes no string (<see cref="ToCall"/> makes them, for the rare calls that need text).
/// </summary>
public readonly ref struct StraceCallSpan
{
    public int Pid { get; init; }
    /// <summary>1-based line number where the call completed.</summary>
    public long Line { get; init; }
    /// <summary>The timestamp as printed (-t, -tt, -ttt, -r); empty when the log has none.</summary>
    public ReadOnlySpan<byte> TimeText { get; init; }
    /// <summary>The running total of a -r log's times at this call; unset for absolute times, read from <see cref="TimeText"/>.</summary>
    public double? RelativeSeconds { get; init; }
    /// <summary>That timestamp in seconds (since midnight for -t/-tt, since the epoch for -ttt, cumulative for -r).</summary>
    public double? Seconds => RelativeSeconds ?? StraceLine.AbsoluteSeconds(TimeText);
    public StraceCallKind Call { get; init; }
    public string Name { get; init; }
    /// <summary>The text between the call's parentheses.</summary>
    public ReadOnlySpan<byte> ArgsText { get; init; }
    /// <summary>Each argument's place in <see cref="ArgsText"/>, trimmed.</summary>
    public ReadOnlySpan<Range> ArgRanges { get; init; }
    /// <summary>"0x7f…", "0", "-1 ENOMEM (Cannot allocate memory)", "?": without the -T duration.</summary>
    public ReadOnlySpan<byte> Result { get; init; }

    public int ArgCount => ArgRanges.Length;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Arg(int i) => ArgsText[ArgRanges[i]];
    public bool Failed => Result.StartsWith("-1 "u8) || Result.StartsWith("-1\t"u8);

    /// <summary>The return value as a number; null for "?" or an error.</summary>
    public long? ReturnValue
    {
        get
        {
            if (Failed) return null;
            var value = Result;
            if (value.IndexOf((byte)' ') is int space and >= 0) value = value[..space];
            return StraceValues.TryInteger(value, out long v) ? v : null;
        }
    }

    public string? Time => TimeText.IsEmpty ? null : Encoding.ASCII.GetString(TimeText);

    public string ArgString(int i) => Encoding.UTF8.GetString(Arg(i));

    public StraceCall ToCall()
    {
        var args = new string[ArgCount];
        for (int i = 0; i < args.Length; i++) args[i] = ArgString(i);
        return new StraceCall(Pid, Line, Time, Seconds, Name, args, Encoding.UTF8.GetString(Result), []);
    }

    /// <summary>
    /// Splits at commas that are not inside (), [], {} or quotes, trimming each part, into <paramref name="ranges"/>;
    /// returns how many there are, which may be more than fit (then call again with room for them all).
    /// </summary>
    public static int SplitArgs(ReadOnlySpan<byte> args, Span<Range> ranges)
    {
        // A byte at a time through a table: an argument list is short (a vectorised search per comma cost more).
        var special = Special;
        int count = 0, depth = 0, start = 0;
        bool quoted = false;
        for (int i = 0; i < args.Length; i++)
        {
            byte c = args[i];
            if (special[c] == 0) continue;
            if (quoted)
            {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            switch (c)
            {
                case (byte)'"': quoted = true; break;
                case (byte)'(' or (byte)'[' or (byte)'{': depth++; break;
                case (byte)')' or (byte)']' or (byte)'}': depth--; break;
                case (byte)',' when depth == 0:
                    if (count < ranges.Length) ranges[count] = Trimmed(args, start, i);
                    count++;
                    start = i + 1;
                    break;
            }
        }
        if (args.Length > start || count > 0)
        {
            if (count < ranges.Length) ranges[count] = Trimmed(args, start, args.Length);
            count++;
        }
        return count;
    }

    /// <summary>1 for the bytes that matter to <see cref="SplitArgs"/>: quotes, brackets, commas and, in quotes, '\\'.</summary>
    private static ReadOnlySpan<byte> Special =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Range Trimmed(ReadOnlySpan<byte> s, int start, int end)
    {
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return start..end;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';
}

/// <summary>Where a call's arguments and result are in its text, "args)   = result &lt;duration&gt;".</summary>
public readonly record struct StraceCallShape(int ArgsLength, int ResultAt, int ResultLength, int ArgCount)
{
    /// <summary>
    /// strace pads short lines before the " = ", so the result starts after the last " = " and the arguments end at the
    /// ')' before it. False when there is no result (a line cut short). The arguments are split into
    /// <paramref name="args"/> as far as it has room; <see cref="ArgCount"/> says how many there are.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> text, Span<Range> args, out StraceCallShape shape)
    {
        shape = default;
        int eq = text.LastIndexOf(" = "u8);
        if (eq < 0) return false;
        int end = eq;
        while (end > 0 && StraceCallSpan.IsSpace(text[end - 1])) end--;
        if (end == 0 || text[end - 1] != ')') return false;
        end--;
        int from = eq + 3, to = text.Length;
        while (from < to && StraceCallSpan.IsSpace(text[from])) from++;
        while (to > from && StraceCallSpan.IsSpace(text[to - 1])) to--;
        var result = text[from..to];
        int duration = result.LastIndexOf(" <"u8);
        if (duration > 0 && result[^1] == '>') to = from + duration;
        shape = new StraceCallShape(end, from, to - from, StraceCallSpan.SplitArgs(text[..end], args));
        return true;
    }
}
