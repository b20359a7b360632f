using System.Globalization;
using Memlens.Core.Classification;
using Memlens.Core.Model;
using Memlens.Formats.Jvm;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>
/// What sizes the JVM's reservations, from the best source there is: its perf-data file (the JVM's own counters,
/// hotspot/share/runtime/perfMemory.hpp), else its options on the command line (or in java.rt.vmArgs), else
/// HotSpot's defaults (arguments.cpp, globals.hpp).
/// </summary>
public sealed record JvmFacts(
    PerfDataFile? PerfData,
    ulong? MaxHeap, string MaxHeapSource,
    ulong ClassSpace, string ClassSpaceSource,
    ulong CodeCache, string CodeCacheSource,
    ulong? MetaspaceReserved,
    string? Collector, string? Version)
{
    public const ulong DefaultClassSpace = Bytes.GiB;
    /// <summary>ReservedCodeCacheSize with tiered compilation (JDK 9+ and 8): 240 MiB; 48 MiB without it.</summary>
    public const ulong DefaultCodeCache = 240 * Bytes.MiB;
    /// <summary>Non-class metaspace nodes since JDK 16 (JEP 387, metaspaceSettings.hpp).</summary>
    public const ulong MetaspaceNode = 64 * Bytes.MiB;

    public static JvmFacts Of(ClassificationContext context) => context.Facts(c => Read(c.Snapshot));

    public static JvmFacts Read(ProcessSnapshot s)
    {
        var perf = s.RuntimeFiles.TryGetValue("hsperfdata", out var bytes) ? PerfDataFile.Parse(bytes, out _) : null;
        var args = new List<string>(s.Cmdline);
        if (perf?.String("java.rt.vmArgs") is { } vmArgs) args.AddRange(vmArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (perf?.String("java.rt.vmFlags") is { } vmFlags) args.AddRange(vmFlags.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        string? collector = perf?.String("sun.gc.policy.name") ?? perf?.String("sun.gc.collector.0.name") ?? CollectorFromOptions(args);
        ulong? heap = HeapFromPerfData(perf, collector);
        string heapSource = "the JVM's perf-data counters (sun.gc.generation.*.maxCapacity)";
        if (heap is null && Option(args, "-Xmx", "-XX:MaxHeapSize=") is ulong xmx) (heap, heapSource) = (xmx, "-Xmx on the command line");
        if (heap is null && DefaultHeap(s.MachineMemory, args) is ulong byDefault)
            (heap, heapSource) = (byDefault, $"HotSpot's default for {Bytes.Format(s.MachineMemory)} of RAM (MaxRAMPercentage 25%, at least 124.8 MiB; a container's limit would lower it)");
        ulong? ccsFromPerf = perf?.Number("sun.gc.compressedclassspace.maxCapacity") is long c and > 0 ? (ulong)c : null;
        (ulong ccs, string ccsSource) = ccsFromPerf is ulong cp ? (cp, "sun.gc.compressedclassspace.maxCapacity")
            : Option(args, "-XX:CompressedClassSpaceSize=") is ulong co ? (co, "-XX:CompressedClassSpaceSize") : (DefaultClassSpace, "HotSpot's default CompressedClassSpaceSize");
        (ulong code, string codeSource) = Option(args, "-XX:ReservedCodeCacheSize=") is ulong rc ? (rc, "-XX:ReservedCodeCacheSize")
            : args.Contains("-XX:-TieredCompilation") ? (48 * Bytes.MiB, "HotSpot's default without tiered compilation")
            : (DefaultCodeCache, "HotSpot's default ReservedCodeCacheSize (tiered compilation)");
        ulong? metaspace = perf?.Number("sun.gc.metaspace.maxCapacity") is long m && m > (long)(ccsFromPerf ?? 0) && ccsFromPerf is ulong cc ? (ulong)m - cc : null;
        return new JvmFacts(perf, heap, heapSource, ccs, ccsSource, code, codeSource, metaspace, collector, perf?.String("java.property.java.version"));
    }

    /// <summary>Bytes in objects, by the collector's count: Σ sun.gc.generation.*.space.*.used; null without perf-data.</summary>
    public ulong? HeapUsed()
    {
        if (PerfData is not { } perf) return null;
        ulong used = 0;
        bool any = false;
        for (int g = 0; g < 4; g++)
            for (int i = 0; perf.Number($"sun.gc.generation.{g}.space.{i}.used") is long u; i++) { used += (ulong)u; any = true; }
        return any ? used : null;
    }

    /// <summary>
    /// The collector an option chose (the JVM takes the last), named as the perf-data file's sun.gc.policy.name names
    /// it; null when none is chosen, since the default depends on the JDK (Parallel up to 8, G1 from 9 on a machine of
    /// two or more CPUs and 1792 MiB or more, else Serial).
    /// </summary>
    public static string? CollectorFromOptions(IEnumerable<string> args) => args.Select(a => a switch
    {
        "-XX:+UseG1GC" => "GarbageFirst",
        "-XX:+UseParallelGC" or "-XX:+UseParallelOldGC" => "ParScav:MSC",
        "-XX:+UseSerialGC" => "Copy:MSC",
        "-XX:+UseZGC" => "Z",
        "-XX:+UseShenandoahGC" => "Shenandoah",
        _ => null,
    }).LastOrDefault(c => c is not null);

    /// <summary>
    /// G1 reports every generation at the whole heap, padded by 8 bytes per space (G1MonitoringSupport): the heap is the
    /// largest, page-rounded down. The other collectors split it: the heap is the sum.
    /// </summary>
    private static ulong? HeapFromPerfData(PerfDataFile? perf, string? collector)
    {
        if (perf is null) return null;
        var gens = Enumerable.Range(0, 4).Select(i => perf.Number($"sun.gc.generation.{i}.maxCapacity")).OfType<long>().Where(v => v > 0).Select(v => (ulong)v).ToList();
        if (gens.Count == 0) return null;
        bool g1 = collector is not null && (collector == "GarbageFirst" || collector.StartsWith("G1", StringComparison.Ordinal));
        ulong heap = g1 ? gens.Max() : gens.Aggregate(0UL, (a, v) => a + v);
        return heap & ~4095UL;
    }

    /// <summary>
    /// arguments.cpp set_heap_size: 25% of RAM (MaxRAMPercentage), or 50% (MinRAMPercentage) where that is below the
    /// 124.8 MiB default MaxHeapSize, at least that default; RAM capped at MaxRAM (128 GiB). Null when the RAM is not known
    /// or the percentages were changed on the command line.
    /// </summary>
    public static ulong? DefaultHeap(ulong? ram, IReadOnlyList<string> args)
    {
        if (ram is not ulong mem || args.Any(a => a.StartsWith("-XX:MaxRAM", StringComparison.Ordinal) || a.StartsWith("-XX:MinRAM", StringComparison.Ordinal))) return null;
        mem = Math.Min(mem, 128 * Bytes.GiB);
        const ulong defaultMax = 130862280;   // ScaleForWordSize(96 MiB) on 64-bit
        ulong quarter = mem / 4, half = mem / 2;
        return half < defaultMax ? half : Math.Max(quarter, defaultMax);
    }

    /// <summary>The last value of an option given as -XmxSIZE or -XX:Name=SIZE (the JVM takes the last), in bytes.</summary>
    public static ulong? Option(IEnumerable<string> args, params string[] prefixes)
    {
        ulong? result = null;
        foreach (var arg in args)
            foreach (var prefix in prefixes)
                if (arg.StartsWith(prefix, StringComparison.Ordinal) && Bytes.ParseSize(arg[prefix.Length..]) is ulong v) result = v;
        return result;
    }
}
