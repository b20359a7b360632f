using System.Globalization;

namespace Memlens.Formats.Procfs;

/// <summary>"key value" lines (cgroup memory.stat, memory.events): each key to its unsigned value; other lines are skipped.</summary>
public static class KeyValueFile
{
    public static IReadOnlyDictionary<string, ulong> Parse(string text)
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) result[parts[0]] = v;
        }
        return result;
    }
}
