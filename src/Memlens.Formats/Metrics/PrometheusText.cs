namespace Memlens.Formats.Metrics;

/// <summary>
/// The Prometheus text exposition format and OpenMetrics: samples (<see cref="PrometheusLine"/>), # HELP / # TYPE /
/// # UNIT comments, and # EOF.
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
        bool ended = false;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0) continue;
            if (ended) { problems.Add($"line {number} comes after # EOF and was not read"); break; }
            if (line == "# EOF") { ended = true; continue; }   // OpenMetrics: the end of the exposition
            if (line[0] == '#') continue;
            if (all.Count >= MaxSamples) { problems.Add($"more than {MaxSamples} samples; the rest were not read"); break; }
            if (PrometheusLine.TryParse(line, out string key, out double value, out string? problem)) all[key] = value;
            else problems.Add($"line {number} {problem} and was skipped");
        }
        samples = all;
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (metric, field) in MemStatsByMetric)
            if (all.TryGetValue(metric, out double v) && Bytes(v) is ulong b) fields[field] = b;
        // Go ≥1.16 exports the memory classes; derive MemStats fields from them where go_memstats_* is missing.
        ulong? Class(string path) => all.TryGetValue("go_memory_classes_" + path + "_bytes", out double v) ? Bytes(v) : null;
        if (!fields.ContainsKey("HeapReleased") && Class("heap_released") is ulong rel) fields["HeapReleased"] = rel;
        if (!fields.ContainsKey("HeapAlloc") && Class("heap_objects") is ulong objs) fields["HeapAlloc"] = objs;
        if (!fields.ContainsKey("Sys") && Class("total") is ulong total) fields["Sys"] = total;
        return new GoMemStats(source, "prometheus", fields, problems);
    }

    /// <summary>A count of bytes, or null for what cannot be one (negative, NaN, ±Inf, beyond 64 bits).</summary>
    private static ulong? Bytes(double v) => v >= 0 && v < 1.8e19 ? (ulong)Math.Round(v) : null;
}
