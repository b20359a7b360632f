using System.Globalization;

namespace Memlens.Formats.Metrics;

/// <summary>
/// The Prometheus text exposition format: "name{labels} value [timestamp]" samples with # HELP / # TYPE comments.
/// client_golang's go_memstats_* families map to runtime.MemStats fields; go_memory_classes_* (runtime/metrics
/// names) map through the identities of runtime/metrics/description.go.
/// </summary>
public static class PrometheusText
{
    public const int MaxSamples = 1_000_000;

    /// <summary>client_golang go_collector: metric → MemStats field.</summary>
    public static readonly IReadOnlyDictionary<string, string> MemStatsByMetric = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["go_memstats_alloc_bytes"] = "Alloc",
        ["go_memstats_alloc_bytes_total"] = "TotalAlloc",
        ["go_memstats_sys_bytes"] = "Sys",
        ["go_memstats_lookups_total"] = "Lookups",
        ["go_memstats_mallocs_total"] = "Mallocs",
        ["go_memstats_frees_total"] = "Frees",
        ["go_memstats_heap_alloc_bytes"] = "HeapAlloc",
        ["go_memstats_heap_sys_bytes"] = "HeapSys",
        ["go_memstats_heap_idle_bytes"] = "HeapIdle",
        ["go_memstats_heap_inuse_bytes"] = "HeapInuse",
        ["go_memstats_heap_released_bytes"] = "HeapReleased",
        ["go_memstats_heap_objects"] = "HeapObjects",
        ["go_memstats_stack_inuse_bytes"] = "StackInuse",
        ["go_memstats_stack_sys_bytes"] = "StackSys",
        ["go_memstats_mspan_inuse_bytes"] = "MSpanInuse",
        ["go_memstats_mspan_sys_bytes"] = "MSpanSys",
        ["go_memstats_mcache_inuse_bytes"] = "MCacheInuse",
        ["go_memstats_mcache_sys_bytes"] = "MCacheSys",
        ["go_memstats_buck_hash_sys_bytes"] = "BuckHashSys",
        ["go_memstats_gc_sys_bytes"] = "GCSys",
        ["go_memstats_other_sys_bytes"] = "OtherSys",
        ["go_memstats_next_gc_bytes"] = "NextGC",
    };

    /// <summary>runtime/metrics names (as Prometheus exports them with WithGoCollectorRuntimeMetrics) → their runtime/metrics name.</summary>
    public static string? RuntimeMetricName(string metric) =>
        metric.StartsWith("go_memory_classes_", StringComparison.Ordinal) && metric.EndsWith("_bytes", StringComparison.Ordinal)
            ? "/memory/classes/" + metric["go_memory_classes_".Length..^"_bytes".Length].Replace('_', '/') + ":bytes"
            : null;

    public static GoMemStats Parse(string text, string source, out IReadOnlyDictionary<string, double> samples)
    {
        var all = new Dictionary<string, double>(StringComparer.Ordinal);
        var problems = new List<string>();
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (all.Count >= MaxSamples) { problems.Add($"more than {MaxSamples} samples; the rest were not read"); break; }
            int nameEnd = line.IndexOfAny([' ', '{']);
            if (nameEnd <= 0) { problems.Add($"line {number} is not a sample and was skipped"); continue; }
            string name = line[..nameEnd];
            string rest = line[nameEnd..];
            if (rest.StartsWith('{'))
            {
                int close = rest.IndexOf('}');
                if (close < 0) { problems.Add($"line {number} has an unclosed label set and was skipped"); continue; }
                name += rest[..(close + 1)];
                rest = rest[(close + 1)..];
            }
            var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 1 or > 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                problems.Add($"line {number} has no numeric value and was skipped");
                continue;
            }
            all[name] = value;
        }
        samples = all;
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (metric, field) in MemStatsByMetric)
            if (all.TryGetValue(metric, out double v) && v >= 0 && v < 1.8e19) fields[field] = (ulong)Math.Round(v);
        // Go ≥1.16 exports the memory classes; derive MemStats fields from them where go_memstats_* is missing.
        ulong? Class(string path) => all.TryGetValue("go_memory_classes_" + path + "_bytes", out double v) ? (ulong)Math.Round(v) : null;
        if (!fields.ContainsKey("HeapReleased") && Class("heap_released") is ulong rel) fields["HeapReleased"] = rel;
        if (!fields.ContainsKey("HeapAlloc") && Class("heap_objects") is ulong objs) fields["HeapAlloc"] = objs;
        if (!fields.ContainsKey("Sys") && Class("total") is ulong total) fields["Sys"] = total;
        return new GoMemStats(source, "prometheus", fields, problems);
    }
}
