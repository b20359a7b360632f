using System.Text;

namespace Memlens.Formats.Text;

/// <summary>Small span helpers for the kernel's ASCII text files: no allocation on the hot path.</summary>
public static class Ascii
{
    /// <summary>Parses lowercase or uppercase hex digits; false on an empty or non-hex span or overflow.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 16) return false;
        foreach (byte c in s)
        {
            int d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    public static bool TryParseDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        foreach (byte c in s)
        {
            if (c < '0' || c > '9') return false;
            ulong next = value * 10 + (ulong)(c - '0');
            if (next < value) return false;
            value = next;
        }
        return true;
    }

    /// <summary>Parses an optional leading '-' then decimal digits.</summary>
    public static bool TryParseSigned(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        bool negative = !s.IsEmpty && s[0] == '-';
        if (!TryParseDecimal(negative ? s[1..] : s, out ulong magnitude) || magnitude > long.MaxValue) return false;
        value = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }

    public static ReadOnlySpan<byte> TrimSpaces(ReadOnlySpan<byte> s)
    {
        int a = 0, b = s.Length;
        while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) b--;
        return s[a..b];
    }

    /// <summary>Returns the next whitespace-separated token and advances <paramref name="s"/> past it.</summary>
    public static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> s)
    {
        int a = 0;
        while (a < s.Length && (s[a] == ' ' || s[a] == '\t')) a++;
        int b = a;
        while (b < s.Length && s[b] != ' ' && s[b] != '\t') b++;
        var token = s[a..b];
        s = s[b..];
        return token;
    }

    /// <summary>Splits text into lines; the last line may lack its newline (a truncated read).</summary>
    public static LineEnumerator Lines(ReadOnlySpan<byte> text) => new(text);

    public static string Decode(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);

    public ref struct LineEnumerator(ReadOnlySpan<byte> text)
    {
        private ReadOnlySpan<byte> _rest = text;
        private bool _done = text.IsEmpty;

        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>True when the current line was ended by a newline (false: the file was cut short).</summary>
        public bool CurrentComplete { get; private set; }

        public readonly LineEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            int nl = _rest.IndexOf((byte)'\n');
            if (nl < 0)
            {
                Current = _rest;
                CurrentComplete = false;
                _done = true;
                return !Current.IsEmpty;
            }
            Current = _rest[..nl];
            CurrentComplete = true;
            _rest = _rest[(nl + 1)..];
            _done = _rest.IsEmpty;
            return true;
        }
    }
}
