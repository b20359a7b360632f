namespace Memlens.Formats.Strace;

/// <summary>Values as strace prints them: NULL, 0x hex, decimal, flag sets (symbolic, raw hex, or -X verbose "0x3 /* A|B */").</summary>
public static class StraceValues
{
    public static bool TryInteger(string text, out long value) => TryInteger(text.AsSpan(), out value);

    /// <summary>NULL, 0x hex or decimal, with an -X comment after it ignored: the grammar of the bytes of a log line.</summary>
    public static bool TryInteger(ReadOnlySpan<char> text, out long value)
    {
        Span<byte> bytes = stackalloc byte[256];
        if (System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) > bytes.Length) return TryInteger(System.Text.Encoding.UTF8.GetBytes(text.ToString()), out value);
        return TryInteger(bytes[..System.Text.Encoding.UTF8.GetBytes(text, bytes)], out value);
    }

    /// <summary>NULL, 0x hex or decimal, with an -X comment after it ignored; no string is made.</summary>
    public static bool TryInteger(ReadOnlySpan<byte> text, out long value)
    {
        // Several per replayed call: digits are read by hand, through a table (Utf8Parser costs more than the call).
        value = 0;
        var s = Trim(text);
        var digits = HexDigits;
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        {
            ulong u = 0;
            int i = 2, end = Math.Min(s.Length, 18);
            for (; i < end; i++)
            {
                int d = digits[s[i]];
                if (d < 0) break;
                u = (u << 4) | (uint)d;
            }
            value = unchecked((long)u);
            return i > 2 && (i == s.Length || Commented(s[i..]));
        }
        if (s.Length >= 4 && s.StartsWith("NULL"u8)) return s.Length == 4 || Commented(s[4..]);
        bool negative = s.Length > 0 && s[0] == '-';
        int j = negative || (s.Length > 0 && s[0] == '+') ? 1 : 0, first = j;
        ulong n = 0;
        for (; j < s.Length && j - first < 19; j++)
        {
            uint d = (uint)(s[j] - '0');
            if (d > 9) break;
            n = (n * 10) + d;
        }
        if (j == first || (j < s.Length && !Commented(s[j..])) || n > (negative ? 1UL << 63 : long.MaxValue)) return false;
        value = negative ? unchecked(-(long)n) : (long)n;
        return true;
    }

    /// <summary>What follows a number is nothing but an -X comment ("0x3 /* PROT_READ|PROT_WRITE */").</summary>
    private static bool Commented(ReadOnlySpan<byte> rest) => Trim(rest).StartsWith("/*"u8);

    /// <summary>Each byte's value as a hex digit, or -1.</summary>
    private static ReadOnlySpan<sbyte> HexDigits =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    public static bool TryAddress(ReadOnlySpan<byte> text, out ulong value)
    {
        bool ok = TryInteger(text, out long v);
        value = unchecked((ulong)v);
        return ok;
    }

    /// <summary>Flags as a bit mask, from "A|B", "0x3 /* A|B */" or a raw number; names not in <paramref name="names"/> are ignored; no string is made.</summary>
    public static long Mask(ReadOnlySpan<byte> text, FlagNames names)
    {
        var s = Trim(text);
        int comment = s.IndexOf("/*"u8);
        if (comment >= 0)
        {
            int end = s.IndexOf("*/"u8);
            s = Trim(s[(comment + 2)..(end < 0 ? s.Length : end)]);
        }
        long mask = 0;
        while (true)
        {
            int bar = s.IndexOf((byte)'|');
            var part = Trim(bar < 0 ? s : s[..bar]);
            if (part.Length > 0 && char.IsAsciiDigit((char)part[0])) { if (TryInteger(part, out long number)) mask |= number; }
            else if (names.TryGet(part, out long bit)) mask |= bit;
            if (bar < 0) return mask;
            s = s[(bar + 1)..];
        }
    }

    /// <summary>"3&lt;/usr/lib/libc.so.6&gt;" → 3 and the path's bytes; "-1" → -1 and no path.</summary>
    public static long Fd(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> path)
    {
        var s = Trim(text);
        int lt = s.IndexOf((byte)'<');
        path = default;
        if (lt > 0 && s[^1] == '>') path = s[(lt + 1)..^1];
        TryInteger(lt > 0 && s[^1] == '>' ? s[..lt] : s, out long fd);
        return fd;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int a = 0, b = s.Length;
        while (a < b && StraceCallSpan.IsSpace(s[a])) a++;
        while (b > a && StraceCallSpan.IsSpace(s[b - 1])) b--;
        return s[a..b];
    }

    public static bool TryAddress(string text, out ulong value)
    {
        bool ok = TryInteger(text, out long v);
        value = unchecked((ulong)v);
        return ok;
    }

    /// <summary>As <see cref="Mask(ReadOnlySpan{byte}, FlagNames)"/>, for text.</summary>
    public static long Mask(string text, Dictionary<string, long> bits) => Mask(System.Text.Encoding.UTF8.GetBytes(text), new FlagNames(bits));

    /// <summary>The set of symbolic flags, from "A|B", "0x3 /* A|B */", or a raw number decoded with <paramref name="bits"/>.</summary>
    public static HashSet<string> Flags(string text, IReadOnlyDictionary<string, long> bits)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        string s = text.Trim();
        int comment = s.IndexOf("/*", StringComparison.Ordinal);
        if (comment >= 0)
        {
            int end = s.IndexOf("*/", comment, StringComparison.Ordinal);
            s = s[(comment + 2)..(end < 0 ? s.Length : end)].Trim();
        }
        foreach (var part in s.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryInteger(part, out long raw))
            {
                foreach (var (name, bit) in bits)
                    if (bit != 0 && (raw & bit) == bit) set.Add(name);
            }
            else set.Add(part);
        }
        return set;
    }

    /// <summary>"3&lt;/usr/lib/libc.so.6&gt;" → (3, "/usr/lib/libc.so.6"); "-1" → (-1, null).</summary>
    public static (long Fd, string? Path) Fd(string text)
    {
        long fd = Fd(System.Text.Encoding.UTF8.GetBytes(text), out var path);
        return (fd, text.Contains('<', StringComparison.Ordinal) && text.TrimEnd().EndsWith('>') ? System.Text.Encoding.UTF8.GetString(path) : null);
    }

    public static readonly Dictionary<string, long> ProtBits = new()
    {
        ["PROT_READ"] = 1,
        ["PROT_WRITE"] = 2,
        ["PROT_EXEC"] = 4,
    };

    public static readonly Dictionary<string, long> MapBits = new()
    {
        ["MAP_SHARED"] = 0x1,
        ["MAP_PRIVATE"] = 0x2,
        ["MAP_FIXED"] = 0x10,
        ["MAP_ANONYMOUS"] = 0x20,
        ["MAP_GROWSDOWN"] = 0x100,
        ["MAP_NORESERVE"] = 0x4000,
        ["MAP_POPULATE"] = 0x8000,
        ["MAP_STACK"] = 0x20000,
        ["MAP_HUGETLB"] = 0x40000,
        ["MAP_FIXED_NOREPLACE"] = 0x100000,
    };

    public static readonly Dictionary<string, long> CloneBits = new()
    {
        ["CLONE_VM"] = 0x100,
        ["CLONE_FS"] = 0x200,
        ["CLONE_FILES"] = 0x400,
        ["CLONE_SIGHAND"] = 0x800,
        ["CLONE_VFORK"] = 0x4000,
        ["CLONE_THREAD"] = 0x10000,
    };

    public static readonly Dictionary<string, long> MremapBits = new()
    {
        ["MREMAP_MAYMOVE"] = 1,
        ["MREMAP_FIXED"] = 2,
        ["MREMAP_DONTUNMAP"] = 4,
    };

    // After the tables they are made from: static fields are set in the order they are written.
    public static readonly FlagNames ProtNames = new(ProtBits);
    public static readonly FlagNames MapNames = new(MapBits);
    public static readonly FlagNames MremapNames = new(MremapBits);
    public static readonly FlagNames CloneNames = new(CloneBits);
}

/// <summary>Flag names looked up by their bytes, as they appear in a log line, without making a string.</summary>
public sealed class FlagNames
{
    private readonly Dictionary<int, (byte[] Name, long Bit)[]> _byKey = [];

    public FlagNames(IReadOnlyDictionary<string, long> bits)
    {
        foreach (var group in bits.Select(kv => (Name: System.Text.Encoding.ASCII.GetBytes(kv.Key), Bit: kv.Value)).GroupBy(x => Key(x.Name)))
            _byKey[group.Key] = [.. group];
    }

    public bool TryGet(ReadOnlySpan<byte> name, out long bit)
    {
        bit = 0;
        if (name.IsEmpty || !_byKey.TryGetValue(Key(name), out var candidates)) return false;
        foreach (var (n, b) in candidates)
            if (name.SequenceEqual(n)) { bit = b; return true; }
        return false;
    }

    /// <summary>Length, last byte and middle byte: the flag names of one family differ in one of them.</summary>
    private static int Key(ReadOnlySpan<byte> name) => name.Length | (name[^1] << 8) | (name[name.Length / 2] << 16);
}
