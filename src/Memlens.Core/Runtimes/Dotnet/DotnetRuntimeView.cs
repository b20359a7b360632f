using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes.Go;
using Memlens.Formats.Dotnet;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>The .NET runtime's own figures (when asked for, --runtime) beside the kernel's for the regions memlens owns to it.</summary>
public sealed record DotnetRuntimeSection(
    string? RuntimeVersion,
    string GcMode,
    string Source,                                // where the figures came from, or how to get them
    bool RuntimeRead,                             // false: the layout alone (no --runtime)
    IReadOnlyList<DotnetGenerationRow> Generations,
    IReadOnlyList<DotnetFigureRow> Figures,
    IReadOnlyList<DotnetSetting> Settings,
    IReadOnlyList<Check> Identities,
    IReadOnlyList<ComparisonRow> KernelView,
    IReadOnlyList<string> Notes);

/// <summary>A GC generation as of the last collection: its size and the free space (fragmentation) in it.</summary>
public sealed record DotnetGenerationRow(string Name, ulong? Size, ulong? Fragmentation, string Meaning);

/// <summary>One of the runtime's figures, its value in words (bytes, a count, seconds), where it came from and what it counts.</summary>
public sealed record DotnetFigureRow(string Name, string Value, ulong? Bytes, string Source, string Meaning);

/// <summary>
/// Lines the .NET runtime's figures (System.Runtime meter and EventCounters, read through the diagnostic port) up with
/// the regions memlens owns to CoreCLR, and says what the layout alone gives when they were not asked for.
/// </summary>
public static class DotnetRuntimeView
{
    public const string GcHeapOwner = ".NET GC heap (regions range and bookkeeping)";
    public const string ExecutableOwner = ".NET executable memory (double-mapped)";
    public const string CommittedFigure = "committed by the GC";
    private static readonly (string Tag, string Counter, string Name, string Meaning)[] GenerationNames =
    [
        ("gen0", "gen-0-size", "gen0", "the youngest objects; collected most often"),
        ("gen1", "gen-1-size", "gen1", "objects that survived one gen0 collection"),
        ("gen2", "gen-2-size", "gen2", "long-lived objects; collected by full (often background) collections"),
        ("loh", "loh-size", "large object heap", "objects of 85,000 bytes or more; collected with gen2, not compacted by default"),
        ("poh", "poh-size", "pinned object heap", "objects allocated pinned (GC.AllocateArray pinned: true); collected with gen2"),
    ];

    public static DotnetRuntimeSection Build(ProcessSnapshot s, Breakdown b)
    {
        var notes = new List<string>();
        DotnetRuntimeFigures? figures = null;
        if (s.RuntimeFiles.TryGetValue(Sources.DotnetRuntimeCounters.RuntimeFileKey, out var bytes))
        {
            figures = DotnetRuntimeFigures.Parse(System.Text.Encoding.UTF8.GetString(bytes), out string? problem);
            if (figures is null) notes.Add($"the saved .NET runtime figures could not be read: {problem}");
        }
        var mode = DotnetGcMode.Read(s, figures);
        var gc = Owner(b, GcHeapOwner);
        var code = Owner(b, ExecutableOwner);
        var kernel = new List<ComparisonRow>
        {
            new("GC heap mappings: size", gc?.Virtual, "Σ sizes of the GC heap's mappings", "the regions range the GC reserved up front, with its card and mark tables: address space, not memory"),
            new("GC heap mappings: committed", gc?.Committed, "accessible bytes of those mappings", "what the GC has committed of its range (regions in use and free, bookkeeping)"),
            new("GC heap mappings: resident", gc?.Rss, "smaps Rss", "pages of the GC heap in RAM"),
            new("JIT code and stubs: resident", code?.Rss, "smaps Rss of /memfd:doublemapper", "compiled methods and stubs (both views of the double mapping)"),
            new("managed assemblies: resident", Sum(b, o => o.Kind == Kinds.Image && o.Owner.Label.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))?.Rss, "smaps Rss of *.dll mappings", "IL and metadata of the loaded assemblies, mapped from their files"),
            new("native libraries: resident", Sum(b, o => o.Kind == Kinds.Image && !o.Owner.Label.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))?.Rss, "smaps Rss of the other file images", "the runtime's own code (libcoreclr.so, libclrjit.so, the host) and any native library"),
            new("thread stacks: resident", Sum(b, o => o.Kind == Kinds.Stack)?.Rss, "smaps Rss", "every thread's stack"),
            new("native heap: resident", Sum(b, o => o.Kind == Kinds.NativeHeap)?.Rss, "smaps Rss", "malloc'd memory: the runtime's own native structures and any native library's"),
            new("unattributed: resident", Sum(b, o => o.Kind == Kinds.Unattributed)?.Rss, "smaps Rss", "anonymous mappings no rule explains; in a .NET process the runtime's loader heaps (type and method data) and stubs are among them, having no layout of their own to tell them by"),
        };
        if (figures is null)
        {
            notes.Add("the layout alone gives the GC heap's reservation, what of it is committed and resident, and the runtime's code; the GC's own figures (heap size per generation, fragmentation, collections, pause time) need `--runtime`, which asks the runtime through its diagnostic port (an EventPipe session of about two seconds)"
                + (s.IsLive ? "" : "; a snapshot holds them when it was made with `capture --runtime`"));
            return new DotnetRuntimeSection(mode.RuntimeVersion, mode.Describe(), "the address-space layout only (the runtime was not asked: --runtime)", false, [],
                [], [], [], kernel, notes);
        }

        var generations = new List<DotnetGenerationRow>();
        foreach (var (tag, counter, name, meaning) in GenerationNames)
        {
            ulong? size = Whole(figures.Measurement("dotnet.gc.last_collection.heap.size", $"gc.heap.generation={tag}")) ?? Whole(figures.Counter(counter));
            ulong? free = Whole(figures.Measurement("dotnet.gc.last_collection.heap.fragmentation.size", $"gc.heap.generation={tag}"));
            if (size is not null || free is not null) generations.Add(new DotnetGenerationRow(name, size, free, meaning));
        }
        ulong? heapAtLastGc = generations.Count > 0 && generations.All(g => g.Size is not null) ? generations.Aggregate(0UL, (a, g) => a + g.Size!.Value) : null;
        ulong? fragmented = generations.Any(g => g.Fragmentation is not null) ? generations.Aggregate(0UL, (a, g) => a + (g.Fragmentation ?? 0)) : null;
        ulong? heapNow = Megabytes(figures.Counter("gc-heap-size"));
        ulong? committed = Whole(figures.Measurement("dotnet.gc.last_collection.memory.committed_size")) ?? Megabytes(figures.Counter("gc-committed"));
        string committedSource = figures.Measurement("dotnet.gc.last_collection.memory.committed_size") is not null
            ? "meter dotnet.gc.last_collection.memory.committed_size" : "counter gc-committed (MB)";
        var rows = new List<DotnetFigureRow>();
        void Row(string name, ulong? value, string source, string meaning)
        {
            if (value is ulong v) rows.Add(new DotnetFigureRow(name, Bytes.Format(v), v, source, meaning));
        }
        void Text(string name, string? value, string source, string meaning)
        {
            if (value is not null) rows.Add(new DotnetFigureRow(name, value, null, source, meaning));
        }
        Row("heap size now", heapNow, "counter gc-heap-size (MB)", "bytes in objects now, allocated since the last collection included (GC.GetTotalMemory(false))");
        Row("heap size at the last collection", heapAtLastGc, "Σ generations", "what the generations held when the last collection ended");
        Row("fragmentation at the last collection", fragmented, "meter dotnet.gc.last_collection.heap.fragmentation.size", "free space between objects inside the heap: committed and counted in the heap, holding no object");
        Row(CommittedFigure, committed, committedSource, "memory the GC has committed for the heap as of the last collection (GCMemoryInfo.TotalCommittedBytes)");
        Row("allocated since start", Whole(figures.Measurement("dotnet.gc.heap.total_allocated")), "meter dotnet.gc.heap.total_allocated", "every byte ever allocated on the GC heap: a rate of churn, not a size");
        var counts = new[] { "gen0", "gen1", "gen2" }.Select(g => figures.Measurement("dotnet.gc.collections", $"gc.heap.generation={g}")).ToList();
        if (counts.All(c => c is not null))
            Text("collections (gen0 / gen1 / gen2)", string.Join(" / ", counts.Select(c => ((long)c!.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture))),
                "meter dotnet.gc.collections", "collections since start, by the generation collected (a gen2 collection counts once, as gen2)");
        else if (figures.Counter("gen-0-gc-count") is not null)
            notes.Add("this runtime has no System.Runtime meter (it came with .NET 9): collection counts come as increments per second only (counters gen-N-gc-count), not as totals");
        double? pause = figures.Measurement("dotnet.gc.pause.time") ?? (figures.Counter("total-pause-time-by-gc") is double ms ? ms / 1000 : null);
        if (pause is double p) Text("time paused by the GC", $"{p:0.000} s", figures.Measurement("dotnet.gc.pause.time") is not null ? "meter dotnet.gc.pause.time" : "counter total-pause-time-by-gc", "threads suspended for collections since start");
        ulong? workingSet = Whole(figures.Measurement("dotnet.process.memory.working_set")) ?? Megabytes(figures.Counter("working-set"));
        Row("working set (runtime's view)", workingSet, "meter dotnet.process.memory.working_set", "the process's RSS as the runtime read it (Environment.WorkingSet)");
        if (figures.Measurement("dotnet.process.cpu.count") is double cpus) Text("CPUs the runtime sees", ((long)cpus).ToString(System.Globalization.CultureInfo.InvariantCulture), "meter dotnet.process.cpu.count", "Environment.ProcessorCount: the machine's or the container's CPU limit; server GC makes one heap per CPU");

        var identities = new List<Check>();
        if (committed is ulong c && gc is { } g)
            identities.Add(new Check("GC committed (runtime) ≤ committed bytes of the GC heap's mappings", c, g.Committed, g.Committed + 4 * Bytes.MiB >= c,
                g.Committed + 4 * Bytes.MiB >= c
                    ? $"the mappings hold what the GC counts as committed{(g.Committed > c ? $", and {Bytes.Format(g.Committed - c)} more: the card and mark tables beside the range, and regions committed or freed since the last collection" : "")}"
                    : $"{Bytes.Format(c - g.Committed)} short: part of the GC heap was not told apart among the mappings"));
        if (heapAtLastGc is ulong h && committed is ulong c2)
            identities.Add(new Check("heap size at the last collection ≤ GC committed", h, c2, h <= c2,
                h <= c2 ? $"objects live in committed memory; {Bytes.Format(c2 - h)} committed holds no object (free regions, the ends of regions, reserve for allocation)"
                    : "the figures were read at different moments (a collection ran between them)"));
        if (heapNow is ulong now && gc is { Rss: ulong rss } && rss < now)
            kernel.Add(new ComparisonRow("GC heap: objects beyond its resident pages", now - rss, "heap size now − resident bytes of the GC heap's mappings",
                "objects whose pages were never written since the kernel gave them (a large array fresh from the kernel is already zero, so the GC does not clear it) count in the heap size and cost no RAM until written"));
        if (workingSet is ulong ws && s.Status?.VmRSS is ulong vmRss)
            kernel.Insert(0, new ComparisonRow("RSS (kernel, status VmRSS)", vmRss, "/proc/PID/status",
                $"the runtime's working set was {Bytes.Format(ws)} when it was read: the same figure, at another moment"));
        if (heapAtLastGc == 0)
            notes.Add("the generation sizes are as of the last collection and none has run yet: they read 0; 'heap size now' counts the objects");
        notes.Add($"figures read {figures.ReadAt ?? "at an unknown time"}; the GC updates its per-generation figures at the end of each collection");
        if (figures.RssAroundSession is var (before, after))
            notes.Add(after > before
                ? $"asking cost the process {Bytes.Format(after - before)} of RSS ({Bytes.Format(before)} before the session, {Bytes.Format(after)} after): the runtime loaded and compiled its counters' code; a later session costs less, and the kernel's figures here are from before it"
                : $"the session left the process's RSS where it was ({Bytes.Format(before)} before, {Bytes.Format(after)} after)");
        return new DotnetRuntimeSection(mode.RuntimeVersion, mode.Describe(), "the runtime's System.Runtime meter and EventCounters, through its diagnostic port (--runtime)", true,
            generations, rows, figures.Settings, identities, kernel, notes);
    }

    private static Figures? Owner(Breakdown b, string name) => Sum(b, o => o.Kind == Kinds.Dotnet && o.Owner.Label == name);

    private static Figures? Sum(Breakdown b, Func<OwnerGroup, bool> which)
    {
        var owners = b.AllOwners.Where(which).ToList();
        return owners.Count == 0 ? null : Figures.Sum(owners.Select(o => o.Figures));
    }

    private static ulong? Whole(double? v) => v is double x && x >= 0 ? (ulong)Math.Round(x) : null;

    // EventCounters give these in MB of 10^6 bytes (RuntimeEventSource divides by 1_000_000).
    private static ulong? Megabytes(double? v) => v is double x && x >= 0 ? (ulong)Math.Round(x * 1_000_000) : null;
}
