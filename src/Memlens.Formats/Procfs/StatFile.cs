using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>
/// /proc/PID/stat (and task/TID/stat). comm may hold spaces and parentheses, e.g. "(a)))b", so it is the text
/// between the first '(' and the last ')'. Field numbers follow proc(5), 1-based.
/// </summary>
public sealed class StatFile
{
    private readonly ulong[] _numbers;   // fields 4.. as numbers (field 3, state, is a letter)

    private StatFile(int pid, string comm, char state, ulong[] numbers)
    {
        Pid = pid;
        Comm = comm;
        State = state;
        _numbers = numbers;
    }

    public int Pid { get; }
    public string Comm { get; }
    public char State { get; }

    /// <summary>Field N of proc(5) (N ≥ 4); null when the kernel printed fewer fields.</summary>
    public ulong? Field(int n) => n - 4 >= 0 && n - 4 < _numbers.Length ? _numbers[n - 4] : null;

    public ulong? NumThreads => Field(20);
    public ulong? StartCode => Field(26);
    public ulong? EndCode => Field(27);
    public ulong? StartStack => Field(28);

    public static StatFile? Parse(ReadOnlySpan<byte> text)
    {
        int open = text.IndexOf((byte)'(');
        int close = text.LastIndexOf((byte)')');
        if (open <= 0 || close < open) return null;
        if (!Ascii.TryParseDecimal(Ascii.TrimSpaces(text[..open]), out ulong pid)) return null;
        string comm = Ascii.Decode(text[(open + 1)..close]);
        var rest = text[(close + 1)..];
        var state = Ascii.NextToken(ref rest);
        if (state.Length != 1) return null;
        var numbers = new List<ulong>(52);
        while (true)
        {
            var token = Ascii.NextToken(ref rest);
            if (token.IsEmpty) break;
            if (token[^1] == '\n') token = token[..^1];
            if (token.IsEmpty) break;
            // Most fields are unsigned (rsslim is 2^64−1 when unlimited); a few are signed (priority, nice):
            // keep their two's-complement bits.
            if (Ascii.TryParseDecimal(token, out ulong u)) numbers.Add(u);
            else if (Ascii.TryParseSigned(token, out long n)) numbers.Add(unchecked((ulong)n));
            else break;
        }
        return new StatFile((int)pid, comm, (char)state[0], [.. numbers]);
    }
}
