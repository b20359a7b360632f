using System.Globalization;

namespace Memlens.Formats.Strace;

/// <summary>Values as strace prints them: NULL, 0x hex, decimal, flag sets (symbolic, raw hex, or -X verbose "0x3 /* A|B */").</summary>
public static class StraceValues
{
    public static bool TryInteger(string text, out long value) => TryInteger(text.AsSpan(), out value);

    /// <summary>NULL, 0x hex or decimal, with an -X comment after it ignored; no string is made.</summary>
    public static bool TryInteger(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        int comment = text.IndexOf("/*", StringComparison.Ordinal);
        var s = (comment < 0 ? text : text[..comment]).Trim();
        if (s.SequenceEqual("NULL")) return true;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            bool ok = ulong.TryParse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong u);
            value = unchecked((long)u);
            return ok;
        }
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryAddress(string text, out ulong value)
    {
        bool ok = TryInteger(text, out long v);
        value = unchecked((ulong)v);
        return ok;
    }

    /// <summary>Flags as a bit mask, from "A|B", "0x3 /* A|B */" or a raw number; names not in <paramref name="bits"/> are ignored.</summary>
    public static long Mask(string text, Dictionary<string, long> bits)
    {
        var s = text.AsSpan().Trim();
        int comment = s.IndexOf("/*", StringComparison.Ordinal);
        if (comment >= 0)
        {
            int end = s.IndexOf("*/", StringComparison.Ordinal);
            s = s[(comment + 2)..(end < 0 ? s.Length : end)].Trim();
        }
        long mask = 0;
        foreach (var range in s.Split('|'))
        {
            var part = s[range].Trim();
            if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(part[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long hex)) mask |= hex;
            else if (part.Length > 0 && char.IsAsciiDigit(part[0]) && long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long dec)) mask |= dec;
            else if (bits.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(part, out long bit)) mask |= bit;
        }
        return mask;
    }

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
        var s = text.AsSpan().Trim();
        int lt = s.IndexOf('<');
        if (lt > 0 && s.EndsWith('>'))
        {
            TryInteger(s[..lt], out long fd);
            return (fd, s[(lt + 1)..^1].ToString());
        }
        TryInteger(s, out long n);
        return (n, null);
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
}
