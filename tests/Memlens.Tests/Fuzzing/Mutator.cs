using System.Text;

namespace Memlens.Tests.Fuzzing;

/// <summary>
/// Structure-aware mutations of real inputs: what corrupt, truncated, hand-edited or hostile copies of kernel files,
/// logs, binaries and archives look like. Text is mutated by lines and tokens (numbers swapped for the values that
/// break arithmetic: 0, -1, 2^63, 2^64-1, 2^64, huge, NaN), binaries by fields (lengths and offsets set to extremes).
/// Deterministic for a given <see cref="Random"/>.
/// </summary>
public static class Mutator
{
    private static readonly string[] Numbers =
    [
        "0", "-1", "1", "4096", "4095", "9223372036854775807", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999", "ffffffffffffffff", "7fffffffffff", "1e309", "NaN", "+Inf",
        "-0", "0x", "", "2147483648", "4294967296",
    ];

    private static readonly string[] Pieces = ["\n", " ", "\t", "-", ":", "\0", "{", "}", "\"", "\\", "(", ")", "=", ",", "#", "\r\n", "kB", " (deleted)", "[heap]", "\u00e9", "\x1b[2J"];

    private static readonly ulong[] Words = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 1UL << 32, 1UL << 62, 1UL << 63, ulong.MaxValue, 4096, 56, 64];

    public static byte[] Mutate(byte[] input, byte[][] others, Random rng, bool text)
    {
        var data = new List<byte>(input);
        int ops = 1 + rng.Next(text ? 4 : 3);
        for (int i = 0; i < ops; i++)
        {
            if (text) MutateText(data, others, rng);
            else MutateBinary(data, others, rng);
        }
        return [.. data];
    }

    private static void MutateText(List<byte> d, byte[][] others, Random rng)
    {
        switch (rng.Next(9))
        {
            case 0: ReplaceNumber(d, rng); break;
            case 1: ReplaceNumber(d, rng); break;
            case 2: LineOp(d, rng); break;
            case 3: Insert(d, rng.Next(d.Count + 1), Encoding.UTF8.GetBytes(Pieces[rng.Next(Pieces.Length)])); break;
            case 4: Truncate(d, rng); break;
            case 5: Splice(d, others, rng); break;
            case 6: Insert(d, rng.Next(d.Count + 1), Encoding.ASCII.GetBytes(new string((char)rng.Next(32, 127), rng.Next(1, 300)))); break;
            default: MutateBinary(d, others, rng); break;
        }
    }

    private static void MutateBinary(List<byte> d, byte[][] others, Random rng)
    {
        if (d.Count == 0) { d.AddRange(BitConverter.GetBytes(Words[rng.Next(Words.Length)])); return; }
        switch (rng.Next(7))
        {
            case 0: d[rng.Next(d.Count)] ^= (byte)(1 << rng.Next(8)); break;
            case 1: d[rng.Next(d.Count)] = (byte)rng.Next(256); break;
            case 2:
                {
                    // A field set to an extreme: 4 or 8 bytes, aligned as ELF fields are.
                    int width = rng.Next(2) == 0 ? 4 : 8;
                    int at = rng.Next(Math.Max(1, d.Count / width)) * width;
                    var bytes = BitConverter.GetBytes(Words[rng.Next(Words.Length)]);
                    for (int i = 0; i < width && at + i < d.Count; i++) d[at + i] = bytes[i];
                    break;
                }
            case 3: Truncate(d, rng); break;
            case 4:
                {
                    int at = rng.Next(d.Count), len = Math.Min(d.Count - at, 1 + rng.Next(64));
                    var chunk = d.GetRange(at, len);
                    Insert(d, rng.Next(d.Count + 1), [.. chunk]);
                    break;
                }
            case 5:
                {
                    int at = rng.Next(d.Count);
                    d.RemoveRange(at, Math.Min(d.Count - at, 1 + rng.Next(64)));
                    break;
                }
            default: Splice(d, others, rng); break;
        }
    }

    /// <summary>Cut short, as a copy that ran out of disk or a read that stopped: the rest is gone.</summary>
    private static void Truncate(List<byte> d, Random rng)
    {
        if (d.Count == 0) return;
        int keep = rng.Next(d.Count);
        d.RemoveRange(keep, d.Count - keep);
    }

    private static void Insert(List<byte> d, int at, byte[] bytes) => d.InsertRange(Math.Min(at, d.Count), bytes);

    /// <summary>A run of digits or hex digits replaced by an extreme number.</summary>
    private static void ReplaceNumber(List<byte> d, Random rng)
    {
        if (d.Count == 0) return;
        int start = rng.Next(d.Count);
        while (start < d.Count && !IsHex(d[start])) start++;
        if (start >= d.Count) return;
        int end = start;
        while (end < d.Count && IsHex(d[end])) end++;
        d.RemoveRange(start, end - start);
        Insert(d, start, Encoding.ASCII.GetBytes(Numbers[rng.Next(Numbers.Length)]));
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f';

    /// <summary>Duplicates, deletes or swaps whole lines, or repeats one many times.</summary>
    private static void LineOp(List<byte> d, Random rng)
    {
        var lines = Encoding.UTF8.GetString([.. d]).Split('\n').ToList();
        if (lines.Count == 0) return;
        int a = rng.Next(lines.Count), b = rng.Next(lines.Count);
        switch (rng.Next(4))
        {
            case 0: lines.Insert(b, lines[a]); break;
            case 1: lines.RemoveAt(a); break;
            case 2: (lines[a], lines[b]) = (lines[b], lines[a]); break;
            default: lines.InsertRange(b, Enumerable.Repeat(lines[a], 1 + rng.Next(200))); break;
        }
        d.Clear();
        d.AddRange(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }

    /// <summary>Part of another input of the same kind, put into this one.</summary>
    private static void Splice(List<byte> d, byte[][] others, Random rng)
    {
        var other = others[rng.Next(others.Length)];
        if (other.Length == 0) return;
        int at = rng.Next(other.Length), len = Math.Min(other.Length - at, 1 + rng.Next(512));
        Insert(d, rng.Next(d.Count + 1), other.AsSpan(at, len).ToArray());
    }
}
