using System.Buffers.Binary;
using System.Text;

namespace Memlens.Formats.Jvm;

/// <summary>
/// HotSpot's performance-data file (/tmp/hsperfdata_USER/PID, hotspot/share/runtime/perfMemory.hpp): a 32-byte
/// PerfDataPrologue { magic CAFEC0C0, byte_order, major, minor, accessible, used, overflow, mod_time_stamp,
/// entry_offset, num_entries }, then PerfDataEntry records { entry_length, name_offset, vector_length, data_type,
/// flags, data_units, data_variability, data_offset }. jstat reads the same file; the JVM is never attached to.
/// Every offset and count is bounds-checked: the file is only as trustworthy as whoever wrote it.
/// </summary>
public sealed class PerfDataFile
{
    public const int MaxBytes = 1 << 20;
    public const int MaxEntries = 10_000;

    private readonly Dictionary<string, long> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int MajorVersion { get; private init; }
    public int MinorVersion { get; private init; }
    public IReadOnlyDictionary<string, long> Numbers => _numbers;
    public IReadOnlyDictionary<string, string> Strings => _strings;

    public long? Number(string name) => _numbers.TryGetValue(name, out long v) ? v : null;
    public string? String(string name) => _strings.TryGetValue(name, out var v) ? v : null;

    /// <summary>The parsed file, or null when it is not a perf-data file of version 2 (with the reason).</summary>
    public static PerfDataFile? Parse(ReadOnlySpan<byte> b, out string? problem)
    {
        problem = null;
        if (b.Length < 32 || b.Length > MaxBytes || b[0] != 0xCA || b[1] != 0xFE || b[2] != 0xC0 || b[3] != 0xC0)
        {
            problem = "not a HotSpot perf-data file (no CAFEC0C0 magic)";
            return null;
        }
        bool little = b[4] == 1;
        int I(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadInt32LittleEndian(s) : BinaryPrimitives.ReadInt32BigEndian(s);
        long L(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadInt64LittleEndian(s) : BinaryPrimitives.ReadInt64BigEndian(s);
        var file = new PerfDataFile { MajorVersion = b[5], MinorVersion = b[6] };
        if (file.MajorVersion != 2)
        {
            problem = $"perf-data version {file.MajorVersion}.{file.MinorVersion} is not 2.x";
            return null;
        }
        int offset = I(b[24..]);
        int count = I(b[28..]);
        if (offset < 32 || offset > b.Length || count < 0 || count > MaxEntries)
        {
            problem = $"perf-data header out of bounds (entry_offset {offset}, num_entries {count})";
            return null;
        }
        for (int i = 0; i < count; i++)
        {
            if (offset + 20 > b.Length) { problem = $"entry {i} runs past the end of the file"; break; }
            var e = b[offset..];
            int length = I(e), nameOffset = I(e[4..]), vectorLength = I(e[8..]), dataOffset = I(e[16..]);
            byte type = e[12];
            if (length < 20 || length > e.Length || nameOffset < 20 || nameOffset >= length || dataOffset < nameOffset || dataOffset > length)
            {
                problem = $"entry {i} at offset {offset} is malformed";
                break;
            }
            var nameBytes = e[nameOffset..dataOffset];
            int nul = nameBytes.IndexOf((byte)0);
            string name = Encoding.ASCII.GetString(nul < 0 ? nameBytes : nameBytes[..nul]);
            var data = e[dataOffset..length];
            if (type == (byte)'J' && vectorLength == 0 && data.Length >= 8) file._numbers[name] = L(data);
            else if (type == (byte)'B' && vectorLength > 0)
            {
                var s = data[..Math.Min(vectorLength, data.Length)];
                int end = s.IndexOf((byte)0);
                file._strings[name] = Encoding.UTF8.GetString(end < 0 ? s : s[..end]);
            }
            offset += length;
        }
        return file;
    }
}
