using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>/proc/PID/status: "Key:\tvalue" lines. Memory lines are in kB and exposed in bytes.</summary>
public sealed class StatusFile
{
    private readonly Dictionary<string, string> _fields;

    private StatusFile(Dictionary<string, string> fields) => _fields = fields;

    public IReadOnlyDictionary<string, string> Fields => _fields;

    public static StatusFile Parse(ReadOnlySpan<byte> text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Ascii.Lines(text))
        {
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            fields[Ascii.Decode(line[..colon])] = Ascii.Decode(Ascii.TrimSpaces(line[(colon + 1)..]));
        }
        return new StatusFile(fields);
    }

    public string? Text(string key) => _fields.GetValueOrDefault(key);

    /// <summary>A "N kB" line in bytes; null when the line is absent or not a number.</summary>
    public ulong? Bytes(string key)
    {
        if (!_fields.TryGetValue(key, out var v)) return null;
        var span = v.AsSpan().Trim();
        if (span.EndsWith(" kB")) span = span[..^3].Trim();
        return ulong.TryParse(span, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong kb) ? kb * 1024 : null;
    }

    public long? Number(string key)
    {
        if (!_fields.TryGetValue(key, out var v)) return null;
        return long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : null;
    }

    public ulong? VmPeak => Bytes("VmPeak");
    public ulong? VmSize => Bytes("VmSize");
    public ulong? VmLck => Bytes("VmLck");
    public ulong? VmHWM => Bytes("VmHWM");
    public ulong? VmRSS => Bytes("VmRSS");
    public ulong? RssAnon => Bytes("RssAnon");
    public ulong? RssFile => Bytes("RssFile");
    public ulong? RssShmem => Bytes("RssShmem");
    public ulong? VmData => Bytes("VmData");
    public ulong? VmStk => Bytes("VmStk");
    public ulong? VmExe => Bytes("VmExe");
    public ulong? VmLib => Bytes("VmLib");
    public ulong? VmPTE => Bytes("VmPTE");
    public ulong? VmSwap => Bytes("VmSwap");
    public long? Threads => Number("Threads");
    public string? Name => Text("Name");
}
