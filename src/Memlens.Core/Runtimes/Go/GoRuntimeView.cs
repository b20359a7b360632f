using Memlens.Core.Accounting;
using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Formats.Metrics;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Go;

/// <summary>
/// Checks the runtime.MemStats identities (runtime/mstats.go readmemstats_m), sets the runtime's figures beside what
/// the kernel says about the Go-owned regions, and explains the difference.
/// </summary>
public static class GoRuntimeView
{
    public static readonly string[] SysParts = ["HeapSys", "StackSys", "MSpanSys", "MCacheSys", "BuckHashSys", "GCSys", "OtherSys"];

    public static GoRuntimeSection Build(ProcessSnapshot s, Breakdown b, GoFacts facts, IReadOnlyList<GoMemStats> metrics)
    {
        var notes = new List<string>();
        var usable = metrics.Where(m => m.Fields.ContainsKey("Sys") || m.Fields.ContainsKey("HeapSys")).ToList();
        foreach (var m in metrics)
            foreach (var p in m.Problems) notes.Add($"{m.Source}: {p}");
        // One source is one consistent ReadMemStats; mixing sources would mix moments.
        var stats = usable.FirstOrDefault();
        if (usable.Count > 1) notes.Add($"{usable.Count} metrics sources given; the figures are from the first ({stats!.Source}), each read at its own moment");
        if (stats is null)
        {
            notes.Add(metrics.Count == 0
                ? "no runtime metrics were given (--metrics URL|FILE): " + (facts.Endpoints.Count > 0
                    ? "this binary links " + string.Join("; ", facts.Endpoints) + " — pass that URL, e.g. --metrics http://127.0.0.1:PORT/debug/pprof/heap?debug=1"
                    : "this binary links none of net/http/pprof, expvar or client_golang's handler, so only the kernel's view is shown")
                : "no usable runtime.MemStats in the metrics given");
        }
        var fields = stats?.Fields ?? new Dictionary<string, ulong>();
        ulong? F(string name) => fields.TryGetValue(name, out ulong v) ? v : null;

        var identities = stats is null ? [] : Identities(F, facts);
        if (stats is not null && F("Sys") is ulong sysOnly && SysParts.Any(p => F(p) is null))
            notes.Add(PartialSys(F, sysOnly));
        var tree = stats is null ? [] : Tree(F);
        var kernel = KernelView(s, b, F);
        var findings = Explain(s, b, F, facts);
        return new GoRuntimeSection(facts.Version, facts.Cgo, usable.Select(m => $"{m.Source} ({m.Format})").ToList(), fields, tree, identities, kernel, findings, notes);
    }

    private static List<Check> Identities(Func<string, ulong?> f, GoFacts facts)
    {
        var checks = new List<Check>();
        if (SysParts.All(p => f(p) is not null) && f("Sys") is ulong sys)
        {
            ulong sum = SysParts.Aggregate(0UL, (a, p) => a + f(p)!.Value);
            ulong four = f("HeapSys")!.Value + f("MCacheSys")!.Value + f("MSpanSys")!.Value + f("StackSys")!.Value;
            ulong rest = f("BuckHashSys")!.Value + f("GCSys")!.Value + f("OtherSys")!.Value;
            checks.Add(new Check("Sys = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys", sum, sys, sum == sys,
                $"every byte the runtime mapped read-write, by use. HeapSys + MCacheSys + MSpanSys + StackSys alone = {four:N0}, which leaves {sys - Math.Min(sys, four):N0} = BuckHashSys {f("BuckHashSys"):N0} (profiling buckets) + GCSys {f("GCSys"):N0} (GC metadata: heap bitmaps, heap-arena metadata) + OtherSys {f("OtherSys"):N0} (other off-heap runtime allocations) = {rest:N0}" +
                (sum == sys ? "" : $"; residual {(long)sys - (long)sum:N0}: the source rounded or mixed moments")));
        }
        if (f("HeapSys") is ulong heapSys && f("HeapInuse") is ulong inuse && f("HeapIdle") is ulong idle)
            checks.Add(new Check("HeapSys = HeapInuse + HeapIdle", inuse + idle, heapSys, inuse + idle == heapSys,
                "heap memory is either in spans that hold objects (HeapInuse) or in spans that hold none (HeapIdle)"));
        if (f("HeapIdle") is ulong idle2 && f("HeapReleased") is ulong released)
            checks.Add(new Check("HeapIdle = (HeapIdle − HeapReleased) + HeapReleased, HeapReleased ≤ HeapIdle", idle2, Math.Max(idle2, released), released <= idle2,
                $"idle heap is either still backed by RAM, waiting for reuse ({(released <= idle2 ? idle2 - released : 0):N0} B), or returned to the OS with madvise (HeapReleased {released:N0} B): released pages stay mapped, so they still count in VSZ"));
        if (f("Alloc") is ulong alloc && f("HeapAlloc") is ulong heapAlloc)
            checks.Add(new Check("Alloc = HeapAlloc", heapAlloc, alloc, alloc == heapAlloc, "the same number under two names"));
        if (f("HeapInuse") is ulong inuse2 && f("HeapAlloc") is ulong heapAlloc2)
            checks.Add(new Check("HeapAlloc ≤ HeapInuse (span fragmentation = HeapInuse − HeapAlloc)", heapAlloc2, inuse2, heapAlloc2 <= inuse2,
                $"in-use spans hold {inuse2 - Math.Min(inuse2, heapAlloc2):N0} B more than the live objects: the unused slots of size classes and the tails of spans"));
        if (f("StackInuse") is ulong si && f("StackSys") is ulong ss)
        {
            bool noCgo = facts.CgoEnabled == false;
            checks.Add(new Check(noCgo ? "StackSys = StackInuse (no cgo)" : "StackInuse ≤ StackSys", si, ss, noCgo ? si == ss : si <= ss,
                "StackSys = StackInuse + stacks the OS allocated for threads; in a program without cgo the runtime allocates every stack itself, so the two are equal. pthread stacks made for cgo threads are not counted at all"));
        }
        return checks;
    }

    /// <summary>
    /// The golang-nuts kube-proxy puzzle: the *_sys metrics a page carries do not add up to Sys when some parts are missing.
    /// Says which parts, and how much they must hold together.
    /// </summary>
    private static string PartialSys(Func<string, ulong?> f, ulong sys)
    {
        var present = SysParts.Where(p => f(p) is not null).ToList();
        var missing = SysParts.Where(p => f(p) is null).ToList();
        ulong sum = present.Aggregate(0UL, (a, p) => a + f(p)!.Value);
        return $"the metrics give {string.Join(" + ", present)} = {sum:N0}, but Sys = {sys:N0}: the other {sys - Math.Min(sys, sum):N0} bytes are {string.Join(" + ", missing)}, " +
            $"which these metrics do not include (client_golang: {string.Join(", ", missing.Select(Prometheus))}). Sys = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys";
    }

    private static string Prometheus(string field) =>
        PrometheusText.MemStatsByMetric.FirstOrDefault(kv => kv.Value == field).Key ?? field;

    private static List<TreeRow> Tree(Func<string, ulong?> f)
    {
        ulong? Sub(ulong? a, ulong? b) => a is null || b is null || b > a ? null : a - b;
        return
        [
            new(0, "Sys", f("Sys"), "all memory the runtime mapped read-write (not PROT_NONE reservations, not the arena index, not cgo's memory)"),
            new(1, "HeapSys", f("HeapSys"), "heap spans, in use or idle"),
            new(2, "HeapInuse", f("HeapInuse"), "spans holding at least one object"),
            new(3, "HeapAlloc", f("HeapAlloc"), "live and not-yet-swept objects"),
            new(3, "HeapInuse − HeapAlloc", Sub(f("HeapInuse"), f("HeapAlloc")), "fragmentation inside in-use spans"),
            new(2, "HeapIdle", f("HeapIdle"), "spans holding no objects"),
            new(3, "HeapIdle − HeapReleased", Sub(f("HeapIdle"), f("HeapReleased")), "idle and still backed by RAM (kept for reuse)"),
            new(3, "HeapReleased", f("HeapReleased"), "idle and returned to the OS (madvise): mapped, counted in VSZ, not in RSS"),
            new(1, "StackSys", f("StackSys"), "goroutine stacks (StackInuse) + OS thread stacks the runtime allocated"),
            new(1, "MSpanSys", f("MSpanSys"), "mspan structures"),
            new(1, "MCacheSys", f("MCacheSys"), "per-P mcache structures"),
            new(1, "BuckHashSys", f("BuckHashSys"), "profiling bucket hash tables"),
            new(1, "GCSys", f("GCSys"), "garbage-collector metadata (heap bitmaps, heap-arena metadata, work buffers)"),
            new(1, "OtherSys", f("OtherSys"), "other off-heap runtime allocations"),
        ];
    }

    private static List<ComparisonRow> KernelView(ProcessSnapshot s, Breakdown b, Func<string, ulong?> f)
    {
        var go = b.Kind(Kinds.Go)?.Figures ?? Figures.Zero;
        var index = b.AllOwners.Where(o => o.Owner == GoRuntimeOwner.ArenaIndex).Select(o => (Figures?)o.Figures).FirstOrDefault();
        var rows = new List<ComparisonRow>
        {
            new("Go-owned regions: virtual", go.Virtual, "kernel (maps)", "everything memlens attributes to the Go runtime"),
            new("  of which reserved only (PROT_NONE)", go.ReservedOnly, "kernel (maps)", "arena tails, page-allocator summaries, scavenger index: in VSZ, never in Sys, never in RSS"),
            new("  of which mapped read-write", go.Committed, "kernel (maps)", "compare with Sys: it also holds the 32 MiB arena index, which no MemStats field counts"),
            new("  of which resident", go.Rss, "kernel (smaps Rss)", "pages touched and not given back"),
        };
        if (index is { } ix) rows.Add(new("  arena index + heap-arena metadata block", ix.Committed, "kernel (maps)", "the L2 arena index (32 MiB, uncounted) merged with the arena metadata (counted in GCSys)"));
        var arenas = b.AllOwners.FirstOrDefault(o => o.Owner == GoRuntimeOwner.HeapArenas)?.Figures;
        if (arenas is { } ar && f("HeapSys") is ulong hs && f("StackSys") is ulong ss)
        {
            rows.Add(new("Go heap arenas, mapped read-write", ar.Committed, "kernel (maps)", "the arena mappings at the hint address, minus their PROT_NONE tails"));
            rows.Add(new("  HeapSys + StackSys", hs + ss, "runtime",
                hs + ss == ar.Committed
                    ? "equal to the arenas' mapped bytes: heap spans and goroutine stacks are both carved from the arenas"
                    : $"heap spans and goroutine stacks are both carved from the arenas, so this equals their mapped bytes when metrics and maps are of one moment of one process (here {(long)ar.Committed - (long)(hs + ss):+#,0;−#,0} B apart)"));
            if (f("Sys") is ulong all && all >= hs + ss)
                rows.Add(new("  Sys − HeapSys − StackSys", all - hs - ss, "runtime", "MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys: off-heap runtime memory, outside the arenas (in the arena-index block and small mappings)"));
        }
        if (f("Sys") is ulong sys)
        {
            rows.Add(new("Sys", sys, "runtime", "what the runtime says it mapped read-write"));
            if (f("HeapReleased") is ulong rel)
                rows.Add(new("Sys − HeapReleased", sys - Math.Min(sys, rel), "runtime", "the most the runtime's own memory can have resident; Go-owned RSS is below it when pages were never touched"));
        }
        // The process's RSS, split so that the parts sum to it exactly.
        // Unknown (no smaps) stays unknown in every part, rather than turning into zeros.
        ulong? Rss(string kind) => b.Total.Rss is null ? null : b.Kind(kind)?.Figures.Rss ?? 0;
        ulong rssTotal = b.Total.Rss ?? 0;
        ulong? image = Rss(Kinds.Image), native = Rss(Kinds.NativeHeap), stacks = Rss(Kinds.Stack);
        ulong? other = b.Total.Rss is null ? null : rssTotal - Math.Min(rssTotal, (image ?? 0) + (native ?? 0) + (stacks ?? 0) + (go.Rss ?? 0));
        rows.Add(new("Process RSS (Σ smaps Rss)", b.Total.Rss, "kernel (smaps)", s.Status?.VmRSS is ulong vmRss ? $"what ps shows (status VmRSS {vmRss:N0}; see RECONCILIATION for the difference)"
            : s.Statm is { } statm ? $"unknown without smaps; statm says {statm.Resident * s.PageSize:N0} resident" : "what ps shows"));
        rows.Add(new("  executable and libraries", image, "kernel (smaps)", "code and data of the binary and any shared libraries: not in Sys"));
        rows.Add(new("  C heap (malloc: brk, arenas, large blocks)", native, "kernel (smaps)", "cgo and C libraries' memory: not in Sys"));
        rows.Add(new("  thread stacks outside the Go heap", stacks, "kernel (smaps)", "the main stack and pthread stacks of cgo threads: not in Sys"));
        rows.Add(new("  Go-owned regions", go.Rss, "kernel (smaps)", "the part of RSS the runtime's numbers describe"));
        rows.Add(new("  everything else", other, "kernel (smaps)", "kernel pages (vDSO), mapped files, shared memory, unattributed mappings"));
        return rows;
    }

    private static List<Finding> Explain(ProcessSnapshot s, Breakdown b, Func<string, ulong?> f, GoFacts facts)
    {
        var list = new List<Finding>();
        if (f("HeapIdle") is ulong idle && f("HeapReleased") is ulong rel && idle > rel)
        {
            ulong kept = idle - rel;
            if (kept >= 4 * MiB)
                list.Add(new Finding("Idle heap not yet returned", kept,
                    $"{Format(kept)} of heap is idle (no objects) but still backed by RAM (HeapIdle − HeapReleased). The background scavenger returns it gradually; debug.FreeOSMemory() returns it at once, and GOMEMLIMIT makes the runtime return memory sooner when near the limit."));
        }
        if (f("HeapInuse") is ulong inuse && f("HeapAlloc") is ulong alloc && inuse > alloc)
        {
            ulong frag = inuse - alloc;
            if (frag >= 4 * MiB || (inuse > 0 && frag * 10 > inuse * 3))
                list.Add(new Finding("Span fragmentation", frag,
                    $"In-use spans hold {Format(frag)} more than the live objects (HeapInuse {Format(inuse)} − HeapAlloc {Format(alloc)}): free slots in partly used size-class spans. Many objects of one size freed unevenly cause it; it shrinks as spans empty."));
        }
        ulong lazy = b.AllOwners.Where(o => o.Kind == Kinds.Go).SelectMany(o => o.Regions).Aggregate(0UL, (a, r) => a + (r.Counters?.LazyFree ?? 0));
        if (lazy > 0)
            list.Add(new Finding("Released with MADV_FREE, still in RSS", lazy,
                $"{Format(lazy)} of the Go heap's RSS is LazyFree: released to the kernel with MADV_FREE, which takes the pages back only under memory pressure. RSS overstates use by that much; GODEBUG=madvdontneed=1 makes the runtime use MADV_DONTNEED so RSS drops at once."));
        if (facts.CgoEnabled == true)
        {
            var arenas = b.AllOwners.Where(o => o.Owner is Glibc.GlibcArena).ToList();
            var threadStacks = b.AllOwners.Where(o => o.Kind == Kinds.Stack && o.Owner is not ThreadStackOwner { IsMain: true }).ToList();
            if (arenas.Count + threadStacks.Count > 0)
            {
                var v = Figures.Sum(arenas.Concat(threadStacks).Select(o => o.Figures));
                list.Add(new Finding("cgo threads' arenas and stacks", v.Virtual,
                    $"Built with cgo ({facts.Cgo}): each OS thread is a pthread with its own 8 MiB stack ({threadStacks.Count} here), and each thread that calls into C can get a 64 MiB glibc malloc arena ({arenas.Count} here). Together {Format(v.Virtual)} of VSZ, {Format(v.Rss)} resident; none of it appears in the runtime's numbers. MALLOC_ARENA_MAX caps the arenas; CGO_ENABLED=0 (or -tags netgo,osusergo) avoids cgo where it was only pulled in by net or os/user."));
            }
        }
        if (f("NextGC") is ulong next && f("HeapAlloc") is ulong ha)
            list.Add(new Finding("Heap goal", next,
                $"The next GC runs when the heap reaches {Format(next)} (NextGC; now {Format(ha)} allocated). GOGC (default 100: grow 100% over the live heap) and GOMEMLIMIT (a soft limit on Sys) set it."));
        return list.OrderByDescending(x => x.Bytes).ToList();
    }
}

/// <summary>What the binary says about itself: Go version, cgo, and which metrics endpoints it links in.</summary>
public sealed record GoFacts(string? Version, bool? CgoEnabled, string? Cgo, IReadOnlyList<string> Endpoints);
