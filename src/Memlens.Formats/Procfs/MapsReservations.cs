using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>Σ sizes of no-access (---) mappings straight from maps bytes: what `top` needs without parsing every field.</summary>
public static class MapsReservations
{
    public static ulong Sum(ReadOnlySpan<byte> maps)
    {
        ulong total = 0;
        foreach (var line in Ascii.Lines(maps))
        {
            int space = line.IndexOf((byte)' ');
            if (space < 0 || line.Length < space + 4 || line[space + 1] != '-' || line[space + 2] != '-' || line[space + 3] != '-') continue;
            int dash = line.IndexOf((byte)'-');
            if (Ascii.TryParseHex(line[..dash], out ulong a) && Ascii.TryParseHex(line[(dash + 1)..space], out ulong e)) total += e - a;
        }
        return total;
    }
}
