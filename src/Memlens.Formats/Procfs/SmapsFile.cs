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
        var parser = new SmapsParser();
        parser.Feed(text);
        return parser.Complete();
    }
}

/// <summary>
/// A push parser for smaps: <see cref="Feed"/> it chunks as they are read (lines may straddle chunks), then
/// <see cref="Complete"/>. Lets memlens parse while the kernel is still producing the file.
/// </summary>
public sealed class SmapsParser
{
    private readonly List<SmapsEntry> _entries = [];
    private readonly List<string> _problems = [];
    private readonly Utf8StringCache _strings = new();
    private SmapsCounters? _current;
    private int _nextKey;
    private int _number;
    private byte[] _carry = new byte[256];
    private int _carryLength;
    private bool _stopped;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_stopped) return;
        if (_carryLength > 0)
        {
            int nl = chunk.IndexOf((byte)'\n');
            var head = nl < 0 ? chunk : chunk[..nl];
            if (_carryLength + head.Length > _carry.Length) Array.Resize(ref _carry, Math.Max(_carry.Length * 2, _carryLength + head.Length));
            head.CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += head.Length;
            if (nl < 0) return;
            Line(_carry.AsSpan(0, _carryLength));
            _carryLength = 0;
            chunk = chunk[(nl + 1)..];
        }
        while (!chunk.IsEmpty)
        {
            int nl = chunk.IndexOf((byte)'\n');
            if (nl < 0)
            {
                if (chunk.Length > _carry.Length) Array.Resize(ref _carry, chunk.Length);
                chunk.CopyTo(_carry);
                _carryLength = chunk.Length;
                return;
            }
            Line(chunk[..nl]);
            chunk = chunk[(nl + 1)..];
        }
    }

    public ParsedList<SmapsEntry> Complete()
    {
        if (_carryLength > 0 && !_stopped)
            _problems.Add($"smaps was cut short at line {_number + 1}; the partial line was skipped");
        _carryLength = 0;
        _stopped = true;
        return new ParsedList<SmapsEntry>(_entries, _problems);
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        _number++;
        if (line.IsEmpty) return;
        int colon = line.IndexOf((byte)':');
        bool isKeyLine = colon > 0 && colon < 64 && line[0] is >= (byte)'A' and <= (byte)'Z';
        if (!isKeyLine && MapsLine.LooksLikeHeader(line))
        {
            if (MapsLine.TryParse(line, _strings, out var map))
            {
                _current = new SmapsCounters();
                _nextKey = 0;
                if (_entries.Count == ProcfsLimits.MaxMappings) throw ProcfsLimits.TooManyMappings("smaps");
                _entries.Add(new SmapsEntry(map!, _current));
            }
            else
            {
                _current = null;
                _problems.Add($"smaps line {_number} looks like a mapping but is malformed; its counters were skipped");
            }
            return;
        }
        if (_current is null || !isKeyLine)
        {
            _problems.Add($"smaps line {_number} is not a mapping or a counter and was skipped");
            return;
        }
        var key = line[..colon];
        int v = colon + 1;
        while (v < line.Length && line[v] == ' ') v++;
        if (key.Length == 7 && key.SequenceEqual("VmFlags"u8))
        {
            _current.VmFlags = _strings.Get(Ascii.TrimSpaces(line[v..]));
            return;
        }
        // "Rss:  12 kB": digits, then an optional " kB"; numbers in kB become bytes here, at the boundary.
        ulong n = 0;
        int d = v;
        while (d < line.Length && (uint)(line[d] - '0') <= 9) n = (n * 10) + (uint)(line[d++] - '0');
        if (d == v) return;   // THPeligible etc. may be non-numeric on odd kernels
        bool inKb = line.Length - d == 3 && line[d] == ' ' && line[d + 1] == 'k' && line[d + 2] == 'B';
        if (!inKb && d != line.Length) return;
        _current.TrySet(key, inKb ? n * 1024 : n, ref _nextKey);
    }
}
