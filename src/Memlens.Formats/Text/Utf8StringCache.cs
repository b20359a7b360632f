using System.Text;

namespace Memlens.Formats.Text;

/// <summary>
/// Turns repeated byte strings (perms, devices, VmFlags, library paths) into one shared string each, so a process
/// with 60,000 mappings does not allocate 60,000 copies of "rw-p" and "rd wr mr mw me ac".
/// </summary>
public sealed class Utf8StringCache
{
    public const int MaxEntries = 4096;
    private readonly Dictionary<ulong, string> _byHash = [];

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return "";
        ulong hash = 14695981039346656037UL;   // FNV-1a
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211UL;
        if (_byHash.TryGetValue(hash, out var s) && Same(s, bytes)) return s;
        s = Encoding.UTF8.GetString(bytes);
        if (_byHash.Count < MaxEntries) _byHash[hash] = s;
        return s;
    }

    private static bool Same(string s, ReadOnlySpan<byte> bytes)
    {
        if (s.Length != bytes.Length) return false;   // non-ASCII strings are simply not shared
        for (int i = 0; i < bytes.Length; i++) if (s[i] != bytes[i]) return false;
        return true;
    }
}
