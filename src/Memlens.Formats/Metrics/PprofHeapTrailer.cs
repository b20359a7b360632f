using System.Globalization;

namespace Memlens.Formats.Metrics;

/// <summary>
/// The "# runtime.MemStats" trailer of /debug/pprof/heap?debug=1 (runtime/pprof writeHeapInternal): "# Key = value"
/// lines, with "Stack", "MSpan" and "MCache" as "inuse / sys" pairs.
/// </summary>
public static class PprofHeapTrailer
{
    public const string Marker = "# runtime.MemStats";

    public static GoMemStats Parse(string text, string source)
    {
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var problems = new List<string>();
        int start = text.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0) return new GoMemStats(source, "pprof-heap-debug1", fields, ["no '# runtime.MemStats' section: not a heap profile with debug=1"]);
        int number = 0;
        foreach (var raw in text[start..].Split('\n').Skip(1))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (!line.StartsWith("# ", StringComparison.Ordinal)) break;   // the trailer ends at the first non-comment line
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0) { problems.Add($"MemStats line {number} has no ' = ' and was skipped"); continue; }
            if (eq < 2) { problems.Add($"MemStats line {number} has no name before ' = ' and was skipped"); continue; }
            string key = line[2..eq].Trim();
            string value = line[(eq + 3)..].Trim();
            if (value.StartsWith('[')) continue;   // PauseNs, PauseEnd: arrays
            string[] pair = value.Split(" / ");
            if (pair.Length == 2 && key is "Stack" or "MSpan" or "MCache")
            {
                if (TryNumber(pair[0], out ulong inuse) && TryNumber(pair[1], out ulong sys))
                {
                    fields[key + "Inuse"] = inuse;
                    fields[key + "Sys"] = sys;
                }
                else problems.Add($"MemStats {key} = {value} is not 'inuse / sys'");
                continue;
            }
            if (TryNumber(value, out ulong n)) fields[key] = n;
            else if (key is not ("GCCPUFraction" or "DebugGC" or "EnableGC")) problems.Add($"MemStats {key} = {value} is not a number");
        }
        return new GoMemStats(source, "pprof-heap-debug1", fields, problems);
    }

    internal static bool TryNumber(string s, out ulong n) => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);
}
