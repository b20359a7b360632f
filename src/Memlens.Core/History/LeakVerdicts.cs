using Memlens.Core.Model;

namespace Memlens.Core.History;

/// <summary>An owner's resident bytes over the recorded span: the fit of a line, its shape, and what it means.</summary>
public sealed record OwnerTrend(string Kind, string Owner, int Samples, double Hours, ulong FirstRss, ulong LastRss, ulong FirstVirtual, ulong LastVirtual,
    double RssPerHour, double RSquared, string Shape, string Verdict);

/// <summary>One program of a history file: how many processes and samples, over which span.</summary>
public sealed record RecordedProgram(string Program, int Processes, int Samples, DateTimeOffset From, DateTimeOffset To);

/// <summary>`memlens history` without a target: the programs the file holds.</summary>
public sealed record HistoryIndex(string Schema, string File, IReadOnlyList<RecordedProgram> Programs)
{
    public const string SchemaVersion = "memlens.history-index/1";
}

/// <summary>A process of the recorded program: a later one continues the series after a restart.</summary>
public sealed record ProcessLife(int Pid, DateTimeOffset First, DateTimeOffset Last, bool Restart);

/// <summary>RSS by kind at one sample with owners: the stacked chart's columns.</summary>
public sealed record KindSample(DateTimeOffset At, IReadOnlyDictionary<string, ulong> Rss);

public sealed record HistoryReport(string Schema, string Target, int Samples, int FullSamples, DateTimeOffset? From, DateTimeOffset? To,
    IReadOnlyList<ProcessLife> Processes, IReadOnlyList<OwnerTrend> Owners, IReadOnlyList<KindSample> Kinds)
{
    public const string SchemaVersion = "memlens.history/1";

    /// <summary>The runtime's own figures over time (recorded with --metrics): kind "runtime", the figure's name as owner.</summary>
    public IReadOnlyList<OwnerTrend> Runtime { get; init; } = [];

    /// <summary>The kernel's growth beside the runtime's count, in words; null without figures or without growth.</summary>
    public string? RuntimeVerdict { get; init; }
}

/// <summary>
/// Leak verdicts from recorded samples: a least-squares line through each owner's RSS against time, told apart as
/// flat, steady growth, one step, or a sawtooth (a collector's cycles), and growth of address space alone told apart
/// from growth in RAM.
/// </summary>
public static class LeakVerdicts
{
    public const string WholeProcess = "(whole process)";
    /// <summary>The kind of the runtime's own figures' trends (from the metrics page `record --metrics` read).</summary>
    public const string RuntimeKind = "runtime";

    public static HistoryReport Build(string target, IReadOnlyList<RecordedSample> samples, IReadOnlyList<RecordedOwner> owners, IReadOnlyList<RecordedFigure>? figures = null)
    {
        var lives = samples.GroupBy(s => (s.Pid, s.StartTicks)).Select((g, i) => new ProcessLife(g.Key.Pid, g.First().At, g.Last().At, i > 0)).ToList();
        var trends = new List<OwnerTrend>();
        if (samples.Count > 0)
            trends.Add(Trend("total", WholeProcess, samples.Select(s => (s.At, s.Rss, s.Vsz)).ToList()));
        var at = samples.ToDictionary(s => s.Id, s => s.At);
        foreach (var g in owners.GroupBy(o => (o.Kind, o.Owner)))
            trends.Add(Trend(g.Key.Kind, g.Key.Owner, g.OrderBy(o => at[o.Sample]).Select(o => (at[o.Sample], o.Rss, o.Virtual)).ToList()));
        var ordered = trends.Take(1).Concat(trends.Skip(1).OrderByDescending(t => Math.Abs(t.RssPerHour) * t.Hours).ThenByDescending(t => t.LastRss)).ToList();
        var kinds = owners.GroupBy(o => o.Sample).OrderBy(g => at[g.Key])
            .Select(g => new KindSample(at[g.Key], g.GroupBy(o => o.Kind).ToDictionary(k => k.Key, k => k.Aggregate(0UL, (sum, o) => sum + o.Rss)))).ToList();
        var runtime = (figures ?? []).Where(f => at.ContainsKey(f.Sample) && f.Value >= 0 && f.Value < 1.8e19).GroupBy(f => f.Name)
            .Select(g => Trend(RuntimeKind, g.Key, g.OrderBy(f => at[f.Sample]).Select(f => (at[f.Sample], (ulong)f.Value, 0UL)).ToList(), measure: ""))
            .OrderByDescending(t => Math.Abs(t.RssPerHour) * t.Hours).ThenBy(t => t.Owner, StringComparer.Ordinal).ToList();
        return new HistoryReport(HistoryReport.SchemaVersion, target, samples.Count, samples.Count(s => s.Full), samples.FirstOrDefault()?.At, samples.LastOrDefault()?.At, lives, ordered, kinds)
        {
            Runtime = runtime,
            RuntimeVerdict = ordered.Count > 0 ? RuntimeVerdict(ordered[0], runtime) : null,
        };
    }

    /// <summary>
    /// The kernel's growth set beside the runtime's count: RSS rising while the runtime's figures stay flat is growth
    /// the runtime does not count (native memory, stacks, fragmentation it has not returned).
    /// </summary>
    private static string? RuntimeVerdict(OwnerTrend total, IReadOnlyList<OwnerTrend> runtime)
    {
        if (runtime.Count == 0 || total.Shape != "steady growth" || total.RssPerHour <= 0) return null;
        // The runtime's figure that grows most, against the kernel's growth: how much of it the runtime can account for.
        var most = runtime.MaxBy(t => t.RssPerHour)!;
        double share = Math.Max(0, most.RssPerHour) / total.RssPerHour;
        string rss = $"RSS grows {Signed((long)total.RssPerHour)}/h";
        string figure = $"{most.Owner} ({Signed((long)most.RssPerHour)}/h)";
        if (share < 0.25)
            return $"{rss}, and the runtime's figures grow at most {figure}, {share:0%} of it: the growth is outside what the runtime counts — memory the program or a C library mapped or allocated itself, thread stacks, or memory the runtime freed and did not give back";
        if (share >= 0.75)
            return $"{rss}, and the runtime's {figure} grows with it: the runtime holds more; its own tools say what (a heap profile)";
        return $"{rss}; the runtime's {figure} accounts for {share:0%} of it, and the rest is outside what the runtime counts";
    }

    /// <param name="measure">what the values are, for the verdict's words: "RSS" for owners, "" for the runtime's own figures.</param>
    public static OwnerTrend Trend(string kind, string owner, IReadOnlyList<(DateTimeOffset At, ulong Rss, ulong Virtual)> points, string measure = "RSS")
    {
        string m = measure.Length > 0 ? measure + " " : "";
        var first = points[0];
        var last = points[^1];
        double hours = (last.At - first.At).TotalHours;
        var x = points.Select(p => (p.At - first.At).TotalHours).ToArray();
        var y = points.Select(p => (double)p.Rss).ToArray();
        var (slope, r2) = Fit(x, y);
        string name = owner == WholeProcess ? "the whole process" : kind == RuntimeKind ? owner : $"{kind} {owner}";
        if (points.Count < 3 || hours <= 0)
            return new OwnerTrend(kind, owner, points.Count, hours, first.Rss, last.Rss, first.Virtual, last.Virtual, slope, r2, "too few samples", $"{name}: {points.Count} sample(s); a trend needs three or more");
        double mean = y.Average(), range = y.Max() - y.Min();
        var changes = Enumerable.Range(1, y.Length - 1).Select(i => Math.Abs(y[i] - y[i - 1])).ToList();
        double step = changes.Max();
        int large = changes.Count(d => d >= 0.3 * range);   // one large change is a step; many are a sawtooth
        long virtualGrowth = (long)last.Virtual - (long)first.Virtual;
        // Address space that grows far more than RAM does: reservations (a runtime's arenas, a GC's range), not memory.
        bool reservedOnly = virtualGrowth > (long)Math.Max(0.1 * first.Virtual, 16 << 20) && virtualGrowth > 10 * range;
        string span = Span(hours);
        string shape;
        string verdict;
        if (range <= Math.Max(0.02 * mean, 256 * 1024))
        {
            shape = "flat";
            verdict = reservedOnly
                ? $"{name}: VSZ {Signed(virtualGrowth)}, RSS flat over {span}: address space reserved, not memory used; not a leak"
                : $"{name}: {m}flat over {span} ({Bytes.Format(last.Rss)})";
        }
        else if (r2 >= 0.8)
        {
            shape = slope > 0 ? "steady growth" : "steady decline";
            verdict = $"{name}: {m}{Signed((long)slope)}/h for {span}, steady (R² {r2:0.00})" + (slope > 0 ? $": {Meaning(kind, owner)}" : "")
                + (reservedOnly ? $"; VSZ grew {Signed(virtualGrowth)} besides, address space reserved, not memory used" : "");
        }
        else if (large == 1 && step >= 0.7 * range)
        {
            shape = "step";
            verdict = $"{name}: {(m.Length > 0 ? m : "its value ")}changed in one step of {Bytes.Format((ulong)step)} over {span}: a one-time allocation (a cache filled, a pool grown), not a steady leak";
        }
        else
        {
            shape = "sawtooth";
            verdict = $"{name}: {(m.Length > 0 ? m : "it ")}rises and falls by up to {Bytes.Format((ulong)range)} over {span}: a collector or a cache at work; watch its peaks rather than its slope";
        }
        if (reservedOnly && shape is "step" or "sawtooth")
            verdict = $"{name}: VSZ {Signed(virtualGrowth)} while RSS moved within {Bytes.Format((ulong)range)} over {span}: address space reserved, not memory used; not a leak";
        return new OwnerTrend(kind, owner, points.Count, hours, first.Rss, last.Rss, first.Virtual, last.Virtual, slope, r2, shape, verdict);
    }

    /// <summary>What steady growth of each kind of owner means, and where to look next: in a runtime's terms for its own parts.</summary>
    private static string Meaning(string kind, string owner) => owner switch
    {
        "Java metaspace" or "Java compressed class space" =>
            "classes are loaded and never unloaded: a class loader is kept alive (jcmd PID VM.classloader_stats names the loaders); -XX:MaxMetaspaceSize bounds it, at the price of OutOfMemoryError: Metaspace",
        "JVM code cache" => "more methods are compiled; it stops at -XX:ReservedCodeCacheSize, where the JIT is disabled ('CodeCache is full')",
        "Java heap" => "the heap grows: its used bytes after full collections (memlens jvm) tell live objects from garbage not yet collected; a heap dump says what holds them; -Xmx bounds it",
        Runtimes.Dotnet.DotnetRuntimeView.GcHeapOwner =>
            "the GC heap grows: gen2 and the large object heap after full collections (memlens dotnet --runtime) tell live objects from garbage; dotnet-gcdump says what holds them; DOTNET_GCHeapHardLimit bounds it",
        _ => Meaning(kind),
    };

    private static string Meaning(string kind) => kind switch
    {
        Kinds.NativeHeap => "native allocations are not freed (or the allocator keeps what was freed); memlens report names the arenas",
        Kinds.Go => "the Go heap grows: compare the runtime's HeapInuse and HeapAlloc (memlens go with --metrics)",
        Kinds.Jvm or Kinds.Dotnet or Kinds.V8 or Kinds.Python => "the runtime's own memory grows: compare its figures (memlens jvm, the runtime's counters)",
        Kinds.Stack => "thread stacks are added: threads are started and not ended",
        Kinds.Image => "more of the binaries is paged in as more code runs; not a leak",
        Kinds.MappedFile => "more of a mapped file is read in: page cache the kernel can take back",
        Kinds.SharedMemory => "shared memory grows: a segment or a tmpfs file is filled",
        Kinds.Unattributed => "anonymous memory memlens cannot attribute grows: memlens report shows its regions",
        "total" => "the process grows; the owners below say which part",
        _ => "it grows steadily",
    };

    /// <summary>Least squares: the slope of y against x, and the share of y's variance the line explains.</summary>
    public static (double Slope, double RSquared) Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2) return (0, 0);
        double mx = x.Average(), my = y.Average(), sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) return (0, 0);
        double slope = sxy / sxx;
        return (slope, syy == 0 ? 1 : sxy * sxy / (sxx * syy));
    }

    private static string Signed(long bytes) => (bytes >= 0 ? "+" : "−") + Bytes.Format((ulong)Math.Abs(bytes));

    private static string Span(double hours) =>
        hours >= 1 ? $"{hours:0.#} h" : hours * 60 >= 1 ? $"{hours * 60:0.#} min" : $"{hours * 3600:0.#} s";
}
