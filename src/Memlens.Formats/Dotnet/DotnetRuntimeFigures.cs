using System.Globalization;
using System.Text;

namespace Memlens.Formats.Dotnet;

/// <summary>An EventCounters value of the System.Runtime event source: its mean (or its increment over the interval).</summary>
public sealed record DotnetCounter(string Name, double Value, string Units, string DisplayName);

/// <summary>A System.Runtime meter measurement (.NET 9+): instrument, its tags ("gc.heap.generation=gen0"), value, unit.</summary>
public sealed record DotnetMeasurement(string Instrument, string Tags, double Value, string Unit);

/// <summary>A GC setting in force, and where it was read (the environment variable's or runtimeconfig.json's name).</summary>
public sealed record DotnetSetting(string Name, string Value, string Where);

/// <summary>
/// The .NET runtime's own figures as memlens saves them (`capture --runtime`, dotnet-runtime.txt): one tab-separated
/// line per counter, measurement or setting. Written and read here only, so a snapshot reproduces the live section.
/// </summary>
public sealed class DotnetRuntimeFigures
{
    public const int MaxBytes = 1 << 20;

    public IReadOnlyList<DotnetCounter> Counters { get; init; } = [];
    public IReadOnlyList<DotnetMeasurement> Measurements { get; init; } = [];
    public IReadOnlyList<DotnetSetting> Settings { get; init; } = [];
    public string? ReadAt { get; init; }
    /// <summary>The process's RSS (status VmRSS) just before the session and just after it: what asking cost it.</summary>
    public (ulong Before, ulong After)? RssAroundSession { get; init; }

    public double? Counter(string name) => Counters.LastOrDefault(c => c.Name == name)?.Value;

    public double? Measurement(string instrument, string tags = "") =>
        Measurements.LastOrDefault(m => m.Instrument == instrument && m.Tags == tags)?.Value;

    public string? Setting(string name) => Settings.LastOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    public string Write()
    {
        var w = new StringBuilder();
        w.Append("# .NET runtime figures read through the diagnostic port by memlens");
        if (ReadAt is not null) w.Append(" at ").Append(ReadAt);
        w.Append('\n');
        static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ');
        static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var c in Counters) w.Append($"counter\t{Clean(c.Name)}\t{Number(c.Value)}\t{Clean(c.Units)}\t{Clean(c.DisplayName)}\n");
        foreach (var m in Measurements) w.Append($"meter\t{Clean(m.Instrument)}\t{Clean(m.Tags)}\t{Number(m.Value)}\t{Clean(m.Unit)}\n");
        foreach (var s in Settings) w.Append($"setting\t{Clean(s.Name)}\t{Clean(s.Value)}\t{Clean(s.Where)}\n");
        if (RssAroundSession is var (before, after)) w.Append($"session-rss\t{before}\t{after}\n");
        return w.ToString();
    }

    /// <summary>The figures, or null with the reason when the text is not memlens's .NET runtime file.</summary>
    public static DotnetRuntimeFigures? Parse(string text, out string? problem)
    {
        problem = null;
        if (!text.StartsWith("# .NET runtime figures", StringComparison.Ordinal))
        {
            problem = "not a file of .NET runtime figures saved by memlens";
            return null;
        }
        var counters = new List<DotnetCounter>();
        var measurements = new List<DotnetMeasurement>();
        var settings = new List<DotnetSetting>();
        string? at = null;
        (ulong, ulong)? around = null;
        int atIndex = text.IndexOf(" at ", StringComparison.Ordinal), firstEnd = text.IndexOf('\n');
        if (atIndex > 0 && firstEnd > atIndex) at = text[(atIndex + 4)..firstEnd];
        int lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            bool ok = f[0] switch
            {
                "counter" when f.Length == 5 && Double(f[2]) is double v => Add(counters, new DotnetCounter(f[1], v, f[3], f[4])),
                "meter" when f.Length == 5 && Double(f[3]) is double v => Add(measurements, new DotnetMeasurement(f[1], f[2], v, f[4])),
                "setting" when f.Length == 4 => Add(settings, new DotnetSetting(f[1], f[2], f[3])),
                "session-rss" when f.Length == 3 && ulong.TryParse(f[1], CultureInfo.InvariantCulture, out ulong before) && ulong.TryParse(f[2], CultureInfo.InvariantCulture, out ulong after) => (around = (before, after)) is not null,
                _ => false,
            };
            if (!ok)
            {
                problem = $"line {lineNumber} is not a counter, meter, setting or session-rss line";
                return null;
            }
        }
        return new DotnetRuntimeFigures { Counters = counters, Measurements = measurements, Settings = settings, ReadAt = at, RssAroundSession = around };
    }

    private static bool Add<T>(List<T> list, T item) { list.Add(item); return true; }

    private static double? Double(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
}
