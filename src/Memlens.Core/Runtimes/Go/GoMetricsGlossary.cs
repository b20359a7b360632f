namespace Memlens.Core.Runtimes.Go;

/// <summary>
/// What each runtime.MemStats field (and its client_golang and runtime/metrics names) counts, the identity it sits
/// in, and what it does not include. Sources: runtime/mstats.go, runtime/metrics/description.go, client_golang
/// go_collector.go (../shared/research/runtime-facts.md §4.5–4.8).
/// </summary>
public static class GoMetricsGlossary
{
    public sealed record Entry(string Field, string? Prometheus, string? RuntimeMetric, string Counts, string Identity, string Excludes);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("Alloc", "go_memstats_alloc_bytes", "/memory/classes/heap/objects:bytes",
            "bytes of allocated heap objects: reachable ones and unreachable ones the GC has not swept yet",
            "Alloc = HeapAlloc", "free slots in spans, idle spans, stacks, runtime metadata"),
        new("TotalAlloc", "go_memstats_alloc_bytes_total", "/gc/heap/allocs:bytes",
            "cumulative bytes allocated for heap objects since start (a counter: it never goes down)",
            "TotalAlloc − (freed bytes) = HeapAlloc", "nothing is subtracted when objects are freed"),
        new("Sys", "go_memstats_sys_bytes", "/memory/classes/total:bytes",
            "all memory the runtime obtained from the OS and mapped read-write (virtual address space in the Ready or Prepared state)",
            "Sys = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys",
            "PROT_NONE reservations (arena tails, page-allocator summaries, scavenger index), the 32 MiB arena index, memory mapped by cgo/C code or the syscall package, pthread stacks of cgo threads, the binary itself. It counts HeapReleased bytes, which are mapped but not resident"),
        new("Lookups", "go_memstats_lookups_total", null,
            "pointer lookups by the runtime (always 0 in current Go; removed from client_golang v1.20)", "—", "—"),
        new("Mallocs", "go_memstats_mallocs_total", "/gc/heap/allocs:objects",
            "cumulative count of heap objects allocated", "Mallocs − Frees = HeapObjects", "stack allocations, which the compiler proved do not escape"),
        new("Frees", "go_memstats_frees_total", "/gc/heap/frees:objects",
            "cumulative count of heap objects freed", "Mallocs − Frees = HeapObjects", "—"),
        new("HeapAlloc", "go_memstats_heap_alloc_bytes", "/memory/classes/heap/objects:bytes",
            "bytes of allocated heap objects (the same as Alloc): grows as objects are allocated, shrinks when the GC sweeps",
            "HeapAlloc ≤ HeapInuse; HeapInuse − HeapAlloc = fragmentation in in-use spans", "the unused slots of in-use spans, idle spans, stacks"),
        new("HeapSys", "go_memstats_heap_sys_bytes", null,
            "bytes of heap memory obtained from the OS: in-use spans, idle spans still backed by RAM, and idle spans released to the OS",
            "HeapSys = HeapInuse + HeapIdle", "PROT_NONE arena reservations not yet grown into; it does include released (non-resident) memory"),
        new("HeapIdle", "go_memstats_heap_idle_bytes", "/memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes",
            "bytes in spans that hold no objects: reusable for the heap or stacks, or returnable to the OS",
            "HeapIdle = (HeapIdle − HeapReleased) + HeapReleased; HeapIdle − HeapReleased is still resident",
            "spans that hold even one object (those are HeapInuse)"),
        new("HeapInuse", "go_memstats_heap_inuse_bytes", "/memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes",
            "bytes in spans that hold at least one object", "HeapInuse − HeapAlloc = fragmentation; HeapSys = HeapInuse + HeapIdle",
            "stack spans (StackInuse), idle spans"),
        new("HeapReleased", "go_memstats_heap_released_bytes", "/memory/classes/heap/released:bytes",
            "bytes of idle spans currently returned to the OS (madvise) and not yet reused: a current state, not a running total",
            "HeapReleased ≤ HeapIdle", "nothing of RSS with MADV_DONTNEED; with MADV_FREE the pages stay in RSS (smaps LazyFree) until the kernel reclaims them"),
        new("HeapObjects", "go_memstats_heap_objects", "/gc/heap/objects:objects",
            "number of allocated heap objects", "HeapObjects = Mallocs − Frees", "—"),
        new("StackInuse", "go_memstats_stack_inuse_bytes", "/memory/classes/heap/stacks:bytes",
            "bytes in stack spans: goroutine stacks (and, without cgo, OS thread g0 stacks), carved from the heap's arenas",
            "StackSys = StackInuse + OS-allocated thread stacks", "pthread stacks of cgo threads; there is no StackIdle: unused stack spans go back to the heap (HeapIdle)"),
        new("StackSys", "go_memstats_stack_sys_bytes", "/memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes",
            "stack memory obtained from the OS: StackInuse plus thread stacks the runtime allocated directly",
            "StackSys = StackInuse in programs without cgo", "pthread stacks made by C code or for cgo threads (memlens shows them as thread stacks)"),
        new("MSpanInuse", "go_memstats_mspan_inuse_bytes", "/memory/classes/metadata/mspan/inuse:bytes",
            "bytes of allocated mspan structures", "MSpanInuse ≤ MSpanSys", "—"),
        new("MSpanSys", "go_memstats_mspan_sys_bytes", "/memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes",
            "bytes obtained from the OS for mspan structures", "part of Sys", "—"),
        new("MCacheInuse", "go_memstats_mcache_inuse_bytes", "/memory/classes/metadata/mcache/inuse:bytes",
            "bytes of allocated mcache structures (one per P)", "MCacheInuse ≤ MCacheSys", "—"),
        new("MCacheSys", "go_memstats_mcache_sys_bytes", "/memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes",
            "bytes obtained from the OS for mcache structures", "part of Sys", "—"),
        new("BuckHashSys", "go_memstats_buck_hash_sys_bytes", "/memory/classes/profiling/buckets:bytes",
            "bytes of profiling bucket hash tables (memory, block and mutex profiles)", "part of Sys", "—"),
        new("GCSys", "go_memstats_gc_sys_bytes", "/memory/classes/metadata/other:bytes",
            "bytes of garbage-collection metadata: heap bitmaps, heap-arena metadata (about 2 MiB per 64 MiB arena up to Go 1.19), page-allocator chunk bitmaps, GC work buffers",
            "part of Sys", "the 32 MiB arena index (counted nowhere)"),
        new("OtherSys", "go_memstats_other_sys_bytes", "/memory/classes/other:bytes",
            "bytes of other off-heap runtime allocations (persistentalloc: trace buffers, debug info, …)", "part of Sys", "—"),
        new("NextGC", "go_memstats_next_gc_bytes", "/gc/heap/goal:bytes",
            "the heap size at which the next GC cycle starts (the heap goal, set by GOGC and GOMEMLIMIT)", "NextGC ≥ HeapAlloc between cycles", "—"),
        new("LastGC", "go_memstats_last_gc_time_seconds", null,
            "when the last GC finished (nanoseconds since 1970; seconds in Prometheus)", "—", "—"),
        new("PauseTotalNs", null, null, "cumulative stop-the-world pause time in nanoseconds", "—", "—"),
        new("NumGC", null, "/gc/cycles/total:gc-cycles", "completed GC cycles", "NumGC ≥ NumForcedGC", "—"),
        new("NumForcedGC", null, "/gc/cycles/forced:gc-cycles", "GC cycles forced by runtime.GC or debug.FreeOSMemory", "—", "—"),
    ];

    /// <summary>Finds an entry by MemStats field, Prometheus metric, or runtime/metrics name (one of those summed).</summary>
    public static Entry? Find(string name)
    {
        string n = name.Trim();
        return Entries.FirstOrDefault(e => string.Equals(e.Field, n, StringComparison.OrdinalIgnoreCase))
            ?? Entries.FirstOrDefault(e => string.Equals(e.Prometheus, n, StringComparison.OrdinalIgnoreCase))
            ?? Entries.FirstOrDefault(e => e.RuntimeMetric is not null && e.RuntimeMetric.Split(" + ").Length == 1 && e.RuntimeMetric == n)
            ?? Entries.FirstOrDefault(e => e.RuntimeMetric is not null && e.RuntimeMetric.Split(" + ").Contains(n));
    }
}
