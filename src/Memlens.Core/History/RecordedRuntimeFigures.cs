using Memlens.Formats.Metrics;

namespace Memlens.Core.History;

/// <summary>
/// The runtime's own sizes `record --metrics` keeps at each classified sample: from a Go page, the runtime.MemStats
/// fields that are sizes now (not running totals such as TotalAlloc, nor counts); from Prometheus text of any other
/// runtime, every series of a gauge in bytes (its name ends in _bytes, and not _total), up to <see cref="MaxFigures"/>.
/// </summary>
public static class RecordedRuntimeFigures
{
    public const int MaxFigures = 200;

    private static readonly string[] GoSizes =
        ["Alloc", "Sys", "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse", "HeapReleased", "StackInuse", "StackSys",
         "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys", "BuckHashSys", "GCSys", "OtherSys", "NextGC"];

    public static IReadOnlyList<(string Name, double Value)> From(string text, string source)
    {
        var go = RuntimeMetricsReader.Parse(text, source);
        if (go.Fields.Count > 0)
            return GoSizes.Where(go.Fields.ContainsKey).Select(f => ("MemStats." + f, (double)go.Fields[f])).ToList();
        PrometheusText.Parse(text, source, out var samples);
        return samples.Where(s => s.Key.Split('{')[0] is var metric && metric.EndsWith("_bytes", StringComparison.Ordinal) && !metric.EndsWith("_total_bytes", StringComparison.Ordinal))
            .OrderBy(s => s.Key, StringComparer.Ordinal).Take(MaxFigures).Select(s => (s.Key, s.Value)).ToList();
    }
}
