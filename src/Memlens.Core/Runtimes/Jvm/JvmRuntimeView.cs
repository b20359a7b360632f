using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes.Go;
using Memlens.Formats.Jvm;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>The JVM's own figures, from its perf-data file, beside the kernel's for the JVM-owned regions.</summary>
public sealed record JvmRuntimeSection(
    string? Version,
    string? Collector,
    string Source,                            // where the figures came from
    IReadOnlyList<JvmSpaceRow> Spaces,        // the heap's generations, metaspace, class space: reserved, committed, used
    IReadOnlyList<JvmCollectorRow> Collectors,
    long? LiveThreads,
    IReadOnlyList<Check> Identities,
    IReadOnlyList<ComparisonRow> KernelView,
    IReadOnlyList<JvmNmtRow> NativeMemory,    // NMT's categories beside memlens's owners; empty unless read (--runtime)
    IReadOnlyList<string> Notes);

/// <summary>
/// One NMT category beside the memlens owners that hold the same memory: NMT's reserved and committed (its mapped part
/// where it has one), the owners' virtual, committed and resident bytes (NMT has no resident figure).
/// </summary>
public sealed record JvmNmtRow(string Category, ulong NmtReserved, ulong NmtCommitted, ulong? NmtMappedReserved, string Owners,
    ulong? Virtual, ulong? Committed, ulong? Resident, string Meaning);

/// <summary>One of the JVM's memory pools as its counters give it (sun.gc.*): reserved (max), committed (capacity), used.</summary>
public sealed record JvmSpaceRow(string Name, ulong? Reserved, ulong? Committed, ulong? Used, string Meaning);

/// <summary>A collector's invocations and the time spent in them (sun.gc.collector.N.*).</summary>
public sealed record JvmCollectorRow(string Name, long Invocations, double Seconds);

/// <summary>
/// Reads HotSpot's perf-data counters (the file the JVM itself maps at /tmp/hsperfdata_USER/PID, read without
/// attaching: hotspot/share/gc/shared/generationCounters.cpp, cSpaceCounters, collectorCounters, metaspaceCounters)
/// and lines them up with the regions memlens owns to the JVM.
/// </summary>
public static class JvmRuntimeView
{
    public static JvmRuntimeSection? Build(ProcessSnapshot s, Breakdown b)
    {
        var facts = JvmFacts.Read(s);
        if (facts.PerfData is not { } perf) return null;
        var notes = new List<string>();
        var spaces = new List<JvmSpaceRow>();
        ulong committedHeap = 0, usedHeap = 0;
        bool heapKnown = false;
        for (int g = 0; g < 4 && perf.String($"sun.gc.generation.{g}.name") is { } name; g++)
        {
            // G1 pads each space's figure by 8 bytes so none reads zero (g1MonitoringSupport.cpp): whole pages are the truth.
            ulong? capacity = Page(perf.Number($"sun.gc.generation.{g}.capacity"));
            ulong? max = Page(perf.Number($"sun.gc.generation.{g}.maxCapacity"));
            ulong used = 0;
            for (int i = 0; perf.Number($"sun.gc.generation.{g}.space.{i}.used") is long u; i++) used += (ulong)u;
            spaces.Add(new JvmSpaceRow($"heap: {name} generation", max, capacity, used, name switch
            {
                "young" or "new" => "new objects (eden) and those that survived a collection or two (survivor spaces)",
                "old" => "objects that survived long enough to be promoted",
                _ => "a generation of the Java heap",
            }));
            committedHeap += capacity ?? 0;
            usedHeap += used;
            heapKnown |= capacity is not null;
        }
        ulong? Number(string counter) => perf.Number(counter) is long v and >= 0 ? (ulong)v : null;
        ulong? metaCommitted = Number("sun.gc.metaspace.capacity"), ccsCommitted = Number("sun.gc.compressedclassspace.capacity");
        if (metaCommitted is not null)
            spaces.Add(new JvmSpaceRow("metaspace (class and non-class)", Number("sun.gc.metaspace.maxCapacity"), metaCommitted, Number("sun.gc.metaspace.used"),
                "class metadata: methods, constant pools, annotations (non-class) and the Klass structures (class space); freed only when a class loader is unloaded"));
        if (ccsCommitted is not null)
            spaces.Add(new JvmSpaceRow("  of it: compressed class space", Number("sun.gc.compressedclassspace.maxCapacity"), ccsCommitted, Number("sun.gc.compressedclassspace.used"),
                "the Klass structures, reachable by 32-bit compressed pointers; reserved whole at start (CompressedClassSpaceSize)"));

        var collectors = new List<JvmCollectorRow>();
        double frequency = perf.Number("sun.os.hrt.frequency") is long hz and > 0 ? hz : 1e9;
        for (int c = 0; c < 8 && perf.String($"sun.gc.collector.{c}.name") is { } name; c++)
            collectors.Add(new JvmCollectorRow(name, perf.Number($"sun.gc.collector.{c}.invocations") ?? 0, (perf.Number($"sun.gc.collector.{c}.time") ?? 0) / frequency));

        var heap = Of(b, JvmOwner.Heap);
        var meta = Of(b, JvmOwner.Metaspace);
        var classSpace = Of(b, JvmOwner.ClassSpace);
        var identities = new List<Check>();
        if (facts.MaxHeap is ulong reserved && heap is not null)
            identities.Add(Check.Near("Java heap reserved (perf-data) = Σ sizes of the Java heap mappings", reserved, heap.Value.Virtual, 0,
                (r, ok) => ok ? $"the heap is one reservation of the maximum heap size ({facts.MaxHeapSource})"
                    : $"residual {r:N0}: the mappings found for the heap are not the whole reservation (a part merged with a neighbour, or was not told apart)"));
        if (heapKnown && heap is not null)
            identities.Add(Check.Near("Java heap committed (Σ generation capacity) = committed bytes of the Java heap mappings", committedHeap, heap.Value.Committed, Bytes.MiB,
                (r, ok) => $"what the collector has committed of its reservation, by its own count and by the kernel's permissions{(ok ? (r == 0 ? "" : $"; residual {r:N0} within a MiB: a region being committed or uncommitted between the reads") : $"; residual {r:N0}: the counters and the mappings were read at different moments, or part of the heap was not told apart")}"));
        long collections = collectors.Sum(c => c.Invocations);
        if (metaCommitted is ulong mc && ccsCommitted is ulong cc && meta is not null && classSpace is not null)
        {
            if (collections == 0)
                notes.Add("the metaspace counters are updated at each collection and none has run yet, so they read 0; the mappings give metaspace's size instead");
            else
            {
                // As of the last collection: classes loaded since have grown the mappings, and only a collection
                // (unloading classes) shrinks them, so the mappings hold at least what the counters say.
                const string asOf = "the counters are as of the last collection (the JVM updates them there); classes loaded since grow the mappings";
                identities.Add(AtLeast("metaspace committed − class space committed (perf-data) ≤ committed bytes of the metaspace mappings", mc - Math.Min(mc, cc), meta.Value.Committed,
                    $"non-class metaspace, committed in 64 KiB granules; {asOf}", "a metaspace node was not found among the mappings"));
                identities.Add(AtLeast("class space committed (perf-data) ≤ committed bytes of the compressed class space mapping", cc, classSpace.Value.Committed,
                    $"the class space is committed from its start as classes load; {asOf}", "the class space was not found whole among the mappings"));
            }
        }

        var kernel = new List<ComparisonRow>
        {
            new("Java heap used", heapKnown ? usedHeap : null, "perf-data Σ sun.gc.generation.*.space.*.used", "bytes in objects, live or not yet collected, as the collector counts them"),
            new("Java heap committed", heapKnown ? committedHeap : null, "perf-data Σ sun.gc.generation.*.capacity", "what the collector may use without asking the kernel for more"),
            new("Java heap resident", heap?.Rss, "smaps Rss of the Java heap mappings", "pages of the heap in RAM: touched since committed and not given back. Above 'used' after a collection is normal; the JVM returns committed memory only when the heap shrinks (G1: -XX:G1PeriodicGCInterval, MaxHeapFreeRatio)"),
            new("metaspace and class space resident", meta is null && classSpace is null ? null : (meta?.Rss ?? 0) + (classSpace?.Rss ?? 0), "smaps Rss", "class metadata in RAM"),
            new("code cache resident", Of(b, JvmOwner.CodeCache)?.Rss, "smaps Rss", "JIT-compiled code and stubs in RAM (the code cache's size is ReservedCodeCacheSize)"),
            new("GC data resident", Of(b, JvmOwner.GcData)?.Rss, "smaps Rss", "the collector's side tables (card table, mark bitmaps): not in the heap figures, counted by NMT as GC"),
        };
        if (facts.MaxHeap is null) notes.Add("the heap's reservation is not in the counters; the heap figures stand alone");
        var nmt = NativeMemory(s, b, identities, notes);
        if (nmt.Count == 0) notes.Add("NMT (-XX:NativeMemoryTracking=summary, then jcmd PID VM.native_memory summary) adds what the counters do not hold: thread stacks, the JVM's own malloc, symbols, internal structures");
        return new JvmRuntimeSection(facts.Version, facts.Collector, "the JVM's perf-data file (hsperfdata), read without attaching", spaces, collectors,
            perf.Number("java.threads.live"), identities, kernel, nmt, notes);
    }

    /// <summary>NMT's categories (when `jvm --runtime` or `capture --runtime` read them) beside the owners memlens found.</summary>
    private static List<JvmNmtRow> NativeMemory(ProcessSnapshot s, Breakdown b, List<Check> identities, List<string> notes)
    {
        var rows = new List<JvmNmtRow>();
        if (!s.RuntimeFiles.TryGetValue(Sources.JvmNativeMemory.RuntimeFileKey, out var bytes)) return rows;
        var nmt = Formats.Jvm.NmtSummary.Parse(System.Text.Encoding.UTF8.GetString(bytes), out string? problem);
        if (nmt is null) { notes.Add($"Native Memory Tracking: {problem}"); return rows; }
        Figures Sum(Func<OwnerGroup, bool> which) => Figures.Sum(b.AllOwners.Where(which).Select(o => o.Figures));
        void Row(string category, string owners, Func<OwnerGroup, bool> which, string meaning)
        {
            if (nmt.Category(category) is not { } c) return;
            var f = Sum(which);
            rows.Add(new JvmNmtRow(category, c.Reserved, c.Committed, c.MappedReserved, owners, f.Virtual, f.Committed, f.Rss, meaning));
        }
        Row("Java Heap", "Java heap", o => o.Owner == JvmOwner.Heap, "the heap's reservation; committed as the collector grows it");
        Row("Class", "Java compressed class space", o => o.Owner == JvmOwner.ClassSpace, "the class space (JDK 17 names the non-class part Metaspace); NMT adds malloc'd class data, in native-heap here");
        Row("Metaspace", "Java metaspace", o => o.Owner == JvmOwner.Metaspace, "non-class metaspace nodes");
        Row("Code", "JVM code cache", o => o.Owner == JvmOwner.CodeCache, "the code heaps; NMT adds malloc'd compiler data");
        Row("GC", "JVM garbage collector data", o => o.Owner == JvmOwner.GcData, "side tables by shape; NMT adds the collector's malloc'd structures");
        Row("Thread", "thread stacks (all threads)", o => o.Kind == Kinds.Stack, "NMT counts the stacks of the threads the JVM started; memlens counts every thread's, the launcher's main thread too");
        Row("Shared class space", "JVM class data sharing archive (CDS)", o => o.Owner == JvmOwner.Cds, "the CDS archive mapped at start");
        if (nmt.Category("Java Heap") is { MappedReserved: ulong heapNmt } && Sum(o => o.Owner == JvmOwner.Heap) is { Virtual: > 0 } heap)
            identities.Add(Check.Near("Java Heap reserved (NMT) = Σ sizes of the Java heap mappings", heapNmt, heap.Virtual, 0,
                (r, ok) => ok ? "the JVM's own accounting and the kernel's mappings agree on the heap's reservation" : $"residual {r:N0}: the heap was not found whole among the mappings"));
        ulong malloced = nmt.Categories.Aggregate(0UL, (a, c) => a + (c.Committed - Math.Min(c.Committed, c.MappedCommitted ?? 0)));
        notes.Add($"NMT's categories hold {malloced:N0} bytes that are not mapped by the JVM itself (malloc, arenas): memlens shows them under native-heap, with the program's other malloc'd memory");
        return rows;
    }

    /// <summary>Holds when the mappings hold at least the counters' figure (less a 64 KiB granule).</summary>
    private static Check AtLeast(string name, ulong counters, ulong mappings, string meaning, string whenShort) =>
        new(name, counters, mappings, mappings + 64 * Bytes.KiB >= counters,
            mappings + 64 * Bytes.KiB >= counters ? meaning + (mappings > counters ? $"; {mappings - counters:N0} more now" : "") : $"{meaning}; {counters - mappings:N0} short: {whenShort}");

    private static Figures? Of(Breakdown b, JvmOwner owner) => b.AllOwners.FirstOrDefault(o => o.Owner == owner)?.Figures;

    private static ulong? Page(long? v) => v is long x and >= 0 ? (ulong)x & ~4095UL : null;
}
