namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>
/// What the .NET runtime's memory figures count: the System.Runtime EventCounters (dotnet-counters' names;
/// RuntimeEventSource.cs), the System.Runtime meter instruments that replace them in .NET 9
/// (RuntimeMetrics.cs, the OpenTelemetry semantic conventions for .NET), the API each reads, and the GC settings.
/// </summary>
public static class DotnetGlossary
{
    /// <param name="Field">the EventCounters name (or the setting's name).</param>
    /// <param name="Meter">the System.Runtime meter instrument (.NET 9+) that reports the same, where one does.</param>
    /// <param name="Api">the .NET API both read.</param>
    public sealed record Entry(string Field, string? Meter, string? Api, string Counts, string Identity, string Excludes);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("gc-heap-size", null, "GC.GetTotalMemory(false)",
            "the bytes in objects on the GC heap now (in MB of 10^6 bytes): what survived the last collection plus what was allocated since",
            "≤ the GC's committed bytes, which are ≤ the committed bytes of the GC heap's mappings; `memlens dotnet --runtime` checks the chain",
            "resident bytes: an object whose pages were never written since the kernel gave them (a large array is zero already) costs no RAM; the runtime's other memory (JIT code, loader heaps, stacks)"),
        new("gen-0-size", "dotnet.gc.last_collection.heap.size{gc.heap.generation=gen0}", "GC.GetGCMemoryInfo().GenerationInfo[0].SizeAfterBytes",
            "the bytes in gen0 when the last collection ended (usually small: survivors are promoted)", "Σ over gen0, gen1, gen2, LOH, POH = the heap at the last collection ≤ the GC's committed bytes",
            "objects allocated since the last collection (gc-heap-size counts them)"),
        new("gen-1-size", "dotnet.gc.last_collection.heap.size{gc.heap.generation=gen1}", "GC.GetGCMemoryInfo().GenerationInfo[1].SizeAfterBytes",
            "the bytes in gen1 when the last collection ended", "one term of the heap at the last collection", "objects allocated since"),
        new("gen-2-size", "dotnet.gc.last_collection.heap.size{gc.heap.generation=gen2}", "GC.GetGCMemoryInfo().GenerationInfo[2].SizeAfterBytes",
            "the bytes in gen2, the long-lived objects, when the last collection ended", "one term of the heap at the last collection; a gen2 that grows across full collections holds objects something still references",
            "the large and pinned object heaps (their own figures)"),
        new("loh-size", "dotnet.gc.last_collection.heap.size{gc.heap.generation=loh}", "GC.GetGCMemoryInfo().GenerationInfo[3].SizeAfterBytes",
            "the bytes in the large object heap (objects of 85,000 bytes or more) when the last collection ended", "one term of the heap at the last collection",
            "whether the arrays were ever written: an untouched large array counts here and is not resident"),
        new("poh-size", "dotnet.gc.last_collection.heap.size{gc.heap.generation=poh}", "GC.GetGCMemoryInfo().GenerationInfo[4].SizeAfterBytes",
            "the bytes in the pinned object heap (GC.AllocateArray pinned: true) when the last collection ended", "one term of the heap at the last collection", "buffers pinned with fixed or GCHandle (they stay in their generation)"),
        new("gc-fragmentation", "dotnet.gc.last_collection.heap.fragmentation.size", "GC.GetGCMemoryInfo().FragmentedBytes",
            "free space between objects inside the heap as of the last collection (the counter: as a percentage of the heap; the meter: bytes per generation)",
            "inside the heap's size: committed, holding no object", "free regions the GC keeps committed for reuse (in committed, not in the heap)"),
        new("gc-committed", "dotnet.gc.last_collection.memory.committed_size", "GC.GetGCMemoryInfo().TotalCommittedBytes",
            "the bytes the GC has committed for the heap as of the last collection (the counter in MB of 10^6 bytes)",
            "≤ the committed bytes of the GC heap's mappings (they add the card and mark tables and what was committed since); `memlens dotnet --runtime` checks it",
            "resident bytes: committed memory not yet written is not in RAM"),
        new("alloc-rate", "dotnet.gc.heap.total_allocated", "GC.GetTotalAllocatedBytes()",
            "bytes allocated on the GC heap (the counter: per interval; the meter: in total since start)", "a rate of churn, not a size: it only grows", "what was freed: the heap's size is what remains"),
        new("gen-0-gc-count", "dotnet.gc.collections{gc.heap.generation=gen0}", "GC.CollectionCount(0)",
            "collections of gen0 (the counter: per interval; the meter: in total, each collection counted once, under the oldest generation it collected)",
            "the counter's CollectionCount(0) also counts gen1 and gen2 collections; the meter's gen0 does not", "—"),
        new("gen-1-gc-count", "dotnet.gc.collections{gc.heap.generation=gen1}", "GC.CollectionCount(1)",
            "collections of gen1 and gen0 together", "each also collects gen0", "—"),
        new("gen-2-gc-count", "dotnet.gc.collections{gc.heap.generation=gen2}", "GC.CollectionCount(2)",
            "full collections (background or blocking)", "each also collects gen0 and gen1", "—"),
        new("total-pause-time-by-gc", "dotnet.gc.pause.time", "GC.GetTotalPauseDuration()",
            "the time the runtime's threads were suspended for collections since start (the counter in ms, the meter in seconds)", "only grows", "background collection work done while threads run"),
        new("gen-0-gc-budget", null, "GC.GetGenerationBudget(0) (internal)",
            "how much can be allocated before the next gen0 collection (MB): larger budgets mean fewer collections and more memory between them",
            "server GC: one budget per heap; DOTNET_GCgen0size sets its floor", "—"),
        new("working-set", "dotnet.process.memory.working_set", "Environment.WorkingSet",
            "the process's resident bytes as the runtime read them (the counter in MB of 10^6 bytes)", "= the kernel's RSS (status VmRSS) at the moment the runtime read it",
            "nothing of the process: it is its whole RSS, native memory too"),
        new("GCHeapHardLimit", null, "GC.GetGCMemoryInfo().TotalAvailableMemoryBytes",
            "the most the GC commits for the heap and its bookkeeping (DOTNET_GCHeapHardLimit, hexadecimal; System.GC.HeapHardLimit); in a container with a memory limit it defaults to 75% of it",
            "sets the regions range to 5× itself; beyond it the GC collects fully and then throws OutOfMemoryException",
            "the runtime's other memory (JIT code, stacks, native): keep the limit below the container's with room for them"),
        new("gcServer", null, "GCSettings.IsServerGC",
            "server GC (DOTNET_gcServer=1, System.GC.Server): one heap and one GC thread per CPU it sees, larger budgets", "heaps = the CPUs the runtime sees (dotnet.process.cpu.count) unless DOTNET_GCHeapCount says otherwise",
            "DATAS (DOTNET_GCDynamicAdaptationMode=1) starts with one heap and adds heaps as needed"),
    ];

    /// <summary>Finds an entry by counter name, meter instrument (with or without its tag), API, or setting (DOTNET_ prefix allowed).</summary>
    public static Entry? Find(string name)
    {
        string n = name.Trim();
        if (n.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)) n = n[7..];
        return Entries.FirstOrDefault(e => string.Equals(e.Field, n, StringComparison.OrdinalIgnoreCase))
            ?? Entries.FirstOrDefault(e => string.Equals(e.Meter, n, StringComparison.Ordinal))
            ?? Entries.FirstOrDefault(e => e.Meter is not null && e.Meter.Split('{')[0] == n.Split('{')[0])
            ?? Entries.FirstOrDefault(e => e.Api is not null && string.Equals(e.Api.Split(' ')[0], n, StringComparison.Ordinal));
    }
}
