using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>
/// /proc/PID/task/TID/syscall (proc_pid_syscall in fs/proc/base.c): "running", "-1 sp pc", or
/// "nr a0 a1 a2 a3 a4 a5 sp pc". The user stack pointer is always the second-to-last field.
/// </summary>
public sealed record TaskSyscall(bool Running, long? Number, ulong? StackPointer, ulong? ProgramCounter)
{
    public static TaskSyscall? Parse(ReadOnlySpan<byte> text)
    {
        var line = Ascii.TrimSpaces(text.IndexOf((byte)'\n') is int nl and >= 0 ? text[..nl] : text);
        if (line.SequenceEqual("running"u8)) return new TaskSyscall(true, null, null, null);
        var tokens = new List<string>(9);
        var rest = line;
        while (true)
        {
            var t = Ascii.NextToken(ref rest);
            if (t.IsEmpty) break;
            tokens.Add(Ascii.Decode(t));
        }
        if (tokens.Count != 3 && tokens.Count != 9) return null;
        if (!long.TryParse(tokens[0], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long nr)) return null;
        if (!TryHex(tokens[^2], out ulong sp) || !TryHex(tokens[^1], out ulong pc)) return null;
        return new TaskSyscall(false, nr, sp, pc);
    }

    private static bool TryHex(string s, out ulong v)
    {
        v = 0;
        return s.StartsWith("0x", StringComparison.Ordinal) && Ascii.TryParseHex(System.Text.Encoding.ASCII.GetBytes(s[2..]), out v);
    }
}
