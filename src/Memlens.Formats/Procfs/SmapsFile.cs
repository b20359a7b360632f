using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>
/// /proc/PID/smaps and /proc/PID/smaps_rollup: a maps header line followed by "Key: value kB" lines.
/// Keys are matched by name, never by position, so a kernel that adds or reorders lines still parses.
/// </summary>
public static class SmapsFile
{
    public static ParsedList<SmapsEntry> Parse(ReadOnlySpan<byte> text)
    {
        var entries = new List<SmapsEntry>();
        var problems = new List<string>();
        SmapsCounters? current = null;
        int number = 0;
        Span<char> keyChars = stackalloc char[64];
        var lines = Ascii.Lines(text);
        while (lines.MoveNext())
        {
            var line = lines.Current;
            number++;
            if (line.IsEmpty) continue;
            if (!lines.CurrentComplete)
            {
                problems.Add($"smaps was cut short at line {number}; the partial line was skipped");
                break;
            }
            int colon = line.IndexOf((byte)':');
            bool isKeyLine = colon > 0 && colon < keyChars.Length && line[0] is >= (byte)'A' and <= (byte)'Z';
            if (!isKeyLine && MapsLine.LooksLikeHeader(line))
            {
                if (MapsLine.TryParse(line, out var map))
                {
                    current = new SmapsCounters();
                    entries.Add(new SmapsEntry(map!, current));
                }
                else
                {
                    current = null;
                    problems.Add($"smaps line {number} looks like a mapping but is malformed; its counters were skipped");
                }
                continue;
            }
            if (current is null || !isKeyLine)
            {
                problems.Add($"smaps line {number} is not a mapping or a counter and was skipped");
                continue;
            }
            var key = line[..colon];
            for (int i = 0; i < key.Length; i++) keyChars[i] = (char)key[i];
            var keySpan = keyChars[..key.Length];
            var value = Ascii.TrimSpaces(line[(colon + 1)..]);
            if (keySpan.SequenceEqual("VmFlags"))
            {
                current.VmFlags = Ascii.Decode(value);
                continue;
            }
            // "Rss:  12 kB": numbers in kB become bytes here, at the boundary.
            bool inKb = value.EndsWith(" kB"u8);
            var digits = inKb ? Ascii.TrimSpaces(value[..^3]) : value;
            if (!Ascii.TryParseDecimal(digits, out ulong n)) continue;   // THPeligible etc. may be non-numeric on odd kernels
            current.TrySet(keySpan, inKb ? n * 1024 : n);
        }
        return new ParsedList<SmapsEntry>(entries, problems);
    }
}
