using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>/proc/meminfo: "Key:   N kB" lines, exposed in bytes; an absent key is null.</summary>
public sealed class MeminfoFile
{
    private readonly Dictionary<string, ulong> _bytes;

    private MeminfoFile(Dictionary<string, ulong> bytes) => _bytes = bytes;

    public ulong? this[string key] => _bytes.TryGetValue(key, out ulong v) ? v : null;
    public IReadOnlyDictionary<string, ulong> All => _bytes;

    public static MeminfoFile Parse(ReadOnlySpan<byte> text)
    {
        var bytes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in Ascii.Lines(text))
        {
            int colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var value = Ascii.TrimSpaces(line[(colon + 1)..]);
            bool kb = value.EndsWith(" kB"u8);
            if (Ascii.TryParseDecimal(kb ? Ascii.TrimSpaces(value[..^3]) : value, out ulong n)) bytes[Ascii.Decode(line[..colon])] = kb ? n * 1024 : n;
        }
        return new MeminfoFile(bytes);
    }
}
