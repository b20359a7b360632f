using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>Parses the "start-end perms offset dev inode   path" line shared by maps and smaps.</summary>
public static class MapsLine
{
    /// <summary>The smallest page size of any Linux architecture: every VMA bound is a multiple of it.</summary>
    public const ulong MinPageSize = 4096;

    /// <summary>Cheap test for a VMA header line: its first token is "hex-hex".</summary>
    public static bool LooksLikeHeader(ReadOnlySpan<byte> line)
    {
        int dash = line.IndexOf((byte)'-');
        if (dash <= 0) return false;
        int space = line.IndexOf((byte)' ');
        if (space < dash) return false;
        byte c = line[0];
        return c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f';
    }

    public static bool TryParse(ReadOnlySpan<byte> line, out MapsEntry? entry) => TryParse(line, null, out entry);

    public static bool TryParse(ReadOnlySpan<byte> line, Utf8StringCache? strings, out MapsEntry? entry)
    {
        entry = null;
        var rest = line;
        var range = Ascii.NextToken(ref rest);
        int dash = range.IndexOf((byte)'-');
        if (dash <= 0) return false;
        if (!Ascii.TryParseHex(range[..dash], out ulong start) || !Ascii.TryParseHex(range[(dash + 1)..], out ulong end)) return false;
        // The kernel prints page-aligned VMA bounds, end above start: anything else is not a line it wrote.
        if (end <= start || ((start | end) & (MinPageSize - 1)) != 0) return false;
        var perms = Ascii.NextToken(ref rest);
        if (perms.Length != 4) return false;
        if (!Ascii.TryParseHex(Ascii.NextToken(ref rest), out ulong offset)) return false;
        var device = Ascii.NextToken(ref rest);
        if (device.IndexOf((byte)':') < 0) return false;
        if (!Ascii.TryParseDecimal(Ascii.NextToken(ref rest), out ulong inode)) return false;
        // The path is everything after the padding; it may itself contain spaces.
        int p = 0;
        while (p < rest.Length && rest[p] == ' ') p++;
        var path = rest[p..];
        if (!path.IsEmpty && path[^1] == '\r') path = path[..^1];
        entry = strings is null
            ? new MapsEntry(start, end, Ascii.Decode(perms), offset, Ascii.Decode(device), inode, path.IsEmpty ? "" : Ascii.Decode(path))
            : new MapsEntry(start, end, strings.Get(perms), offset, strings.Get(device), inode, strings.Get(path));
        return true;
    }
}
