namespace Memlens.Core.Model;

/// <summary>Byte sizes in words, for evidence and findings: "64 MiB", "132 KiB", "4.2 GiB".</summary>
public static class Bytes
{
    public const ulong KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB, TiB = 1024 * GiB;

    public static string Format(ulong n)
    {
        if (n < KiB) return $"{n} B";
        (double v, string unit) = n switch
        {
            < MiB => (n / (double)KiB, "KiB"),
            < GiB => (n / (double)MiB, "MiB"),
            < TiB => (n / (double)GiB, "GiB"),
            _ => (n / (double)TiB, "TiB"),
        };
        string text = v >= 100 || v == Math.Floor(v) ? v.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        return $"{text} {unit}";
    }

    public static string Format(ulong? n) => n is null ? "unknown" : Format(n.Value);
    public static string Hex(ulong a) => $"0x{a:x}";

    /// <summary>"512", "64k", "100M", "2g" (binary units, as HotSpot's options and people write them); null when not a size.</summary>
    public static ulong? ParseSize(string v)
    {
        if (v.Length == 0) return null;
        ulong unit = char.ToLowerInvariant(v[^1]) switch { 'k' => KiB, 'm' => MiB, 'g' => GiB, 't' => TiB, _ => 1 };
        if (unit != 1) v = v[..^1];
        return ulong.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong n) && n <= ulong.MaxValue / unit ? n * unit : null;
    }
    public static ulong AlignDown(ulong a, ulong align) => a & ~(align - 1);
    public static ulong AlignUp(ulong a, ulong align) => (a + align - 1) & ~(align - 1);
}
