namespace Memlens.Formats.Metrics;

/// <summary>
/// runtime.MemStats as one of the runtime's text exports gave it: field name (Go's, e.g. "HeapIdle") → bytes or count.
/// A field the source did not carry is absent, never 0.
/// </summary>
public sealed class GoMemStats(string source, string format, IReadOnlyDictionary<string, ulong> fields, IReadOnlyList<string> problems)
{
    public string Source { get; } = source;
    /// <summary>"pprof-heap-debug1", "expvar", "prometheus".</summary>
    public string Format { get; } = format;
    public IReadOnlyDictionary<string, ulong> Fields { get; } = fields;
    public IReadOnlyList<string> Problems { get; } = problems;

    public ulong? this[string field] => Fields.TryGetValue(field, out ulong v) ? v : null;

    /// <summary>Every numeric runtime.MemStats field, in the order of the Go documentation.</summary>
    public static readonly IReadOnlyList<string> FieldNames =
    [
        "Alloc", "TotalAlloc", "Sys", "Lookups", "Mallocs", "Frees",
        "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse", "HeapReleased", "HeapObjects",
        "StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys",
        "BuckHashSys", "GCSys", "OtherSys", "NextGC", "LastGC", "PauseTotalNs", "NumGC", "NumForcedGC",
    ];
}
