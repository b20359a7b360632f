using System.Text;

namespace Memlens.Formats.Elf;

/// <summary>
/// Go build information from the .go.buildinfo section (Go 1.18+ inline format: debug/buildinfo): the Go version,
/// the main module path, and the build settings (CGO_ENABLED, -tags, -ldflags, GOARCH, …).
/// </summary>
public sealed record GoBuildInfo(string GoVersion, string? Path, string? MainModule, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>"\xff Go buildinf:", 14 bytes.</summary>
    public static readonly byte[] Magic = [0xff, .. " Go buildinf:"u8];
    public const int MaxSectionBytes = 1 << 20;

    /// <summary>(major, minor) of "go1.19.8", or null for a development or unknown version.</summary>
    public (int Major, int Minor)? Version => ParseVersion(GoVersion);

    public static (int Major, int Minor)? ParseVersion(string? goVersion)
    {
        if (goVersion is null || !goVersion.StartsWith("go", StringComparison.Ordinal)) return null;
        var parts = goVersion[2..].Split('.', '-', ' ');
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), out int minor)
            ? (major, minor) : null;
    }

    public bool? CgoEnabled => Settings.TryGetValue("CGO_ENABLED", out var v) ? v == "1" : null;

    /// <summary>Parses the section; null with a reason when it is absent or in the pre-1.18 pointer format.</summary>
    public static GoBuildInfo? Read(Stream stream, ElfFile elf, out string? problem)
    {
        problem = null;
        var section = elf.Section(".go.buildinfo");
        if (section is null) { problem = "no .go.buildinfo section (not a Go binary, or Go older than 1.13)"; return null; }
        var data = ElfFile.ReadSection(stream, elf.Name, section, MaxSectionBytes);
        if (data.Length < 32 || !data.AsSpan(0, 14).SequenceEqual(Magic)) { problem = ".go.buildinfo does not start with the build-info magic"; return null; }
        byte flags = data[15];
        if ((flags & 2) == 0) { problem = ".go.buildinfo uses the pre-Go 1.18 pointer format, which memlens does not decode; the Go version is unknown"; return null; }
        int at = 32;
        var versionBytes = ReadBytes(data, ref at);
        var modinfoBytes = ReadBytes(data, ref at);
        if (versionBytes is null || modinfoBytes is null) { problem = ".go.buildinfo is truncated"; return null; }
        string version = Encoding.UTF8.GetString(versionBytes);
        // modinfo is framed by 16-byte binary sentinels (cmd/go/internal/modload); strip them before decoding.
        string modinfo = Encoding.UTF8.GetString(modinfoBytes.Length >= 32 ? modinfoBytes.AsSpan(16, modinfoBytes.Length - 32) : modinfoBytes);
        string? path = null, mod = null;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in modinfo.Split('\n'))
        {
            var f = line.Split('\t');
            if (f.Length >= 2 && f[0] == "path") path = f[1];
            else if (f.Length >= 2 && f[0] == "mod") mod = f[1];
            else if (f.Length >= 2 && f[0] == "build")
            {
                int eq = f[1].IndexOf('=');
                if (eq > 0) settings[f[1][..eq]] = f[1][(eq + 1)..];
            }
        }
        return new GoBuildInfo(version, path, mod, settings);
    }

    private static byte[]? ReadBytes(byte[] data, ref int at)
    {
        ulong length = 0;
        int shift = 0;
        while (true)
        {
            if (at >= data.Length || shift > 35) return null;
            byte b = data[at++];
            length |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
            shift += 7;
        }
        if (length > (ulong)(data.Length - at)) return null;
        var bytes = data.AsSpan(at, (int)length).ToArray();
        at += (int)length;
        return bytes;
    }
}
