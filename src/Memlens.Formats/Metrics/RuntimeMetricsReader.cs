namespace Memlens.Formats.Metrics;

/// <summary>Recognises which of the Go runtime's text exports a page is, and parses it.</summary>
public static class RuntimeMetricsReader
{
    public static GoMemStats Parse(string text, string source)
    {
        if (text.Contains(PprofHeapTrailer.Marker, StringComparison.Ordinal)) return PprofHeapTrailer.Parse(text, source);
        if (text.TrimStart().StartsWith('{')) return ExpvarMemStats.Parse(text, source);
        if (text.Contains("go_memstats_", StringComparison.Ordinal) || text.Contains("go_memory_classes_", StringComparison.Ordinal))
            return PrometheusText.Parse(text, source, out _);
        return new GoMemStats(source, "unknown", new Dictionary<string, ulong>(),
            ["not a Go runtime metrics page: expected a /debug/pprof/heap?debug=1 profile, expvar /debug/vars JSON, or Prometheus text with go_memstats_*"]);
    }
}
