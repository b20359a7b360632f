using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Memlens.Formats.Text;

/// <summary>
/// Turns repeated byte strings (perms, devices, VmFlags, library paths) into one shared string each, so a process
/// with 60,000 mappings does not allocate 60,000 copies of "rw-p" and "rd wr mr mw me ac".
/// </summary>
public sealed class Utf8StringCache
{
    public const int MaxEntries = 4096;
    private readonly Dictionary<ulong, (byte[] Bytes, string Text)> _byHash = [];

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return "";
        ulong hash = Hash(bytes);
        if (_byHash.TryGetValue(hash, out var seen) && bytes.SequenceEqual(seen.Bytes)) return seen.Text;
        string s = Encoding.UTF8.GetString(bytes);
        if (_byHash.Count < MaxEntries) _byHash[hash] = (bytes.ToArray(), s);
        return s;
    }

    /// <summary>Eight bytes a step (a path is hashed for every mapping that names it), the tail a byte a step.</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037UL ^ (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ MemoryMarshal.Read<ulong>(bytes)) * 0x9E3779B97F4A7C15UL, 29);
            bytes = bytes[8..];
        }
        foreach (byte b in bytes) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
