using System.Text.RegularExpressions;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>
/// What HotSpot's memory figures count: its perf-data counters (what jstat reads; hotspot/share/gc/shared/
/// generationCounters.cpp, cSpaceCounters.cpp, metaspaceCounters.cpp) and Native Memory Tracking's categories
/// (hotspot/share/nmt/memTag.hpp), each with the Micrometer / JMX-exporter metric and the JMX attribute that report
/// the same thing, where one does.
/// </summary>
public static partial class JvmGlossary
{
    /// <param name="Field">the counter (N for a generation's or space's index) or "NMT Name" for a category.</param>
    public sealed record Entry(string Field, string? Prometheus, string? Jmx, string Counts, string Identity, string Excludes);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("sun.gc.generation.N.maxCapacity", "jvm_memory_max_bytes{area=\"heap\"}", "MemoryMXBean.HeapMemoryUsage.max",
            "the bytes a generation may grow to: its share of the heap's reservation (-Xmx, or MaxRAMPercentage of the RAM or the container's limit)",
            "Σ over the generations = the Java heap's reservation = Σ sizes of the Java heap mappings (G1 reports the whole heap for each generation: the largest is the heap); `memlens jvm` checks it",
            "metaspace, the code cache, thread stacks and the collector's own tables (NMT GC): the JVM's memory is far more than its heap"),
        new("sun.gc.generation.N.capacity", "jvm_memory_committed_bytes{area=\"heap\"}", "MemoryMXBean.HeapMemoryUsage.committed",
            "the bytes of the generation the collector has committed: the kernel has made them accessible; they need not be resident",
            "Σ over the generations = the committed (accessible) bytes of the Java heap mappings; `memlens jvm` checks it (G1 adds 8 bytes per space so none reads zero)",
            "whether the pages were ever touched: resident bytes (RSS) are the kernel's figure, in `memlens report`"),
        new("sun.gc.generation.N.space.M.used", "jvm_memory_used_bytes{area=\"heap\"}", "MemoryMXBean.HeapMemoryUsage.used",
            "the bytes in objects in the space — live ones and garbage not yet collected",
            "Σ used ≤ Σ capacity; after a collection, used is what survived",
            "the heap's resident bytes: a page freed by the collector stays resident until the heap shrinks (G1 uncommits on -XX:G1PeriodicGCInterval or after a full collection, within MinHeapFreeRatio/MaxHeapFreeRatio)"),
        new("sun.gc.metaspace.capacity", "jvm_memory_committed_bytes{area=\"nonheap\",id=\"Metaspace\"}", "MemoryPoolMXBean(Metaspace).Usage.committed",
            "the committed bytes of metaspace, class and non-class together (JDK 17); updated at each collection",
            "− sun.gc.compressedclassspace.capacity = the committed bytes of the metaspace mappings, as of the last collection",
            "metadata loaded since the last collection; NMT's malloc'd class data"),
        new("sun.gc.metaspace.used", "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"}", "MemoryPoolMXBean(Metaspace).Usage.used",
            "the bytes of metaspace in use by class metadata", "used ≤ capacity; the rest is free or wasted in chunks",
            "metadata of class loaders already unloaded, once the collector has reclaimed it"),
        new("sun.gc.compressedclassspace.capacity", "jvm_memory_committed_bytes{area=\"nonheap\",id=\"Compressed Class Space\"}", "MemoryPoolMXBean(Compressed Class Space).Usage.committed",
            "the committed bytes of the compressed class space: the Klass structures, reachable by 32-bit compressed pointers",
            "= the committed bytes of the class space mapping (reserved whole, CompressedClassSpaceSize, 1 GiB by default), as of the last collection",
            "non-class metadata (methods, constant pools)"),
        new("NMT Java Heap", null, null, "the heap's reservation and what is committed of it", "reserved = Σ sizes of the Java heap mappings; `memlens jvm --runtime` checks it",
            "resident bytes: NMT has no resident figure"),
        new("NMT Class", null, null, "JDK 17: the compressed class space (mapped) and malloc'd class data; before JDK 16 all of metaspace",
            "its mapped part = the class space mapping", "non-class metaspace, under NMT Metaspace (JDK 17)"),
        new("NMT Metaspace", null, null, "non-class metaspace: 64 MiB nodes committed in 64 KiB granules (JDK 16+)", "= the metaspace mappings", "the class space (NMT Class)"),
        new("NMT Thread", null, null, "the stacks of the threads the JVM started (reserved: -Xss each; committed: what the kernel made accessible) and per-thread malloc",
            "its stack part ≈ the thread stacks memlens finds, less the launcher's main thread", "the primordial thread's stack; stacks of threads native code started"),
        new("NMT Code", null, null, "the code cache (ReservedCodeCacheSize, 240 MiB with tiered compilation) and compiler-owned malloc", "its mapped part = the code cache mappings", "the compilers' arenas (NMT Compiler)"),
        new("NMT GC", null, null, "the collector's side tables (card table, mark bitmaps, G1's remembered sets and mark stack) and its malloc'd structures",
            "its mapped part ≈ the JVM garbage collector data memlens finds by shape", "the heap itself (NMT Java Heap)"),
        new("NMT Shared class space", null, null, "the CDS archive, mapped from classes.jsa at start", "= the CDS archive mappings", "the archived heap objects, inside the Java heap"),
        new("NMT Internal", null, null, "the JVM's miscellaneous malloc and small mappings", "in native-heap (malloc) in memlens", "—"),
        new("NMT Symbol", null, null, "the symbol table: class, method and field names, interned once", "in native-heap (malloc and arenas) in memlens", "Java String objects (in the heap)"),
        new("NMT Arena Chunk", null, null, "the free chunks of the JVM's arenas, kept for reuse", "in native-heap in memlens", "arenas in use (counted by their owners)"),
        new("NMT Compiler", null, null, "the JIT compilers' malloc and arenas while they compile", "in native-heap in memlens", "the compiled code (NMT Code)"),
        new("NMT Native Memory Tracking", null, null, "NMT's own bookkeeping: the price of turning it on (summary: a few hundred KiB; detail: more)", "in native-heap in memlens", "—"),
        new("NMT Module", null, null, "the module system's data (module graph, packages)", "in native-heap in memlens", "—"),
        new("NMT Safepoint", null, null, "the safepoint polling pages", "small anonymous mappings", "—"),
        new("NMT Synchronization", null, null, "inflated monitors and other lock structures", "in native-heap in memlens", "—"),
        new("NMT Serviceability", null, null, "JVMTI, the attach listener and management (JMX) structures", "in native-heap in memlens", "—"),
        new("NMT String Deduplication", null, null, "the collector's string deduplication tables (-XX:+UseStringDeduplication)", "in native-heap in memlens", "the strings themselves (in the heap)"),
        new("NMT Tracing", null, null, "JFR and event tracing buffers", "in native-heap in memlens", "—"),
        new("NMT Logging", null, null, "unified logging (-Xlog) buffers", "in native-heap in memlens", "—"),
        new("NMT Arguments", null, null, "the command line's and flags' storage", "in native-heap in memlens", "—"),
        new("NMT Object Monitors", null, null, "inflated object monitors (JDK 20+ names them apart from Synchronization)", "in native-heap in memlens", "—"),
        new("NMT Other", null, null, "memory allocated through Unsafe and direct ByteBuffers (-XX:MaxDirectMemorySize)", "in native-heap (malloc) in memlens", "memory-mapped files (MappedByteBuffer), which are file mappings"),
    ];

    /// <summary>Finds an entry by counter (any index in place of N and M), by "NMT Category" or the category alone, or by its Prometheus metric.</summary>
    public static Entry? Find(string name)
    {
        string n = name.Trim();
        int k = 0;
        string pattern = Index().Replace(n, _ => k++ == 0 ? ".N." : ".M.");
        return Entries.FirstOrDefault(e => string.Equals(e.Field, n, StringComparison.OrdinalIgnoreCase) || string.Equals(e.Field, pattern, StringComparison.OrdinalIgnoreCase))
            ?? Entries.FirstOrDefault(e => string.Equals(e.Field, "NMT " + n, StringComparison.OrdinalIgnoreCase))
            ?? Entries.FirstOrDefault(e => string.Equals(e.Prometheus, n, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\.\d+\.")]
    private static partial Regex Index();
}
