using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>/proc/PID/statm: "size resident shared text lib data dt", in pages (task_statm in fs/proc/task_mmu.c).</summary>
public sealed record StatmFile(ulong Size, ulong Resident, ulong Shared, ulong Text, ulong Lib, ulong Data, ulong Dt)
{
    public static StatmFile? Parse(ReadOnlySpan<byte> text)
    {
        Span<ulong> v = stackalloc ulong[7];
        var rest = text;
        for (int i = 0; i < 7; i++)
        {
            var token = Ascii.NextToken(ref rest);
            if (!token.IsEmpty && token[^1] == '\n') token = token[..^1];
            if (!Ascii.TryParseDecimal(token, out v[i])) return null;
        }
        return new StatmFile(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
}
