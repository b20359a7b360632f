using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Jemalloc;

/// <summary>jemalloc's extents and metadata (research/runtime-facts-2.md §12): redis, and programs linked with -ljemalloc.</summary>
public sealed record JemallocExtents : Owner, IMallocArena
{
    public static readonly JemallocExtents Instance = new();
    public override string Kind => Kinds.NativeHeap;
    public override string Label => "jemalloc extents and metadata";
    public string Allocator => "jemalloc";
}

public sealed class JemallocModule : IRuntimeModule
{
    public string Name => "jemalloc";
    public ModuleRole Role => ModuleRole.Allocator;

    public RuntimeIdentification? Identify(RuntimeSignals signals) => signals.Identify(Name, ["libjemalloc.so"]);

    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.AllocatorHeaders, new JemallocRule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var owner = context.Breakdown.AllOwners.FirstOrDefault(o => o.Owner is JemallocExtents);
        if (owner is null) yield break;
        var f = owner.Figures;
        yield return new Finding("jemalloc", f.Virtual,
            $"jemalloc has mapped {Format(f.Virtual)} in {f.Regions} mapping(s) ({Format(f.Rss)} resident): its arenas' extents and metadata. jemalloc never unmaps on 64-bit Linux (opt.retain): freed extents are purged (MADV_DONTNEED) but stay mapped, so this is its stats.mapped + stats.retained. Resident memory above what the program has allocated is dirty pages waiting for decay (opt.dirty_decay_ms, 10 s) and fragmentation; MALLOC_CONF (dirty_decay_ms, muzzy_decay_ms, narenas, background_thread) tunes it, and redis reports the same figures in MEMORY MALLOC-STATS and INFO memory (allocator_*).")
        { About = [owner.Owner] };
    }
}

/// <summary>
/// jemalloc maps extents with MAP_NORESERVE when the kernel overcommits (src/pages.c), in steps of huge-page size
/// classes (2 MiB, 2.5, 3 … MiB), without guard pages, and never unmaps them: anonymous rw mappings flagged "nr" in
/// smaps. Without smaps (maps alone), the flag is not visible and the rule does not guess.
/// </summary>
public sealed class JemallocRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Map.Executable) continue;
            if (r.Counters?.HasFlag("nr") != true) continue;
            context.Claim(r, JemallocExtents.Instance, "extents",
                $"an anonymous rw mapping of {Bytes.Format(r.Size)} mapped with MAP_NORESERVE (smaps VmFlags nr), in a process with {context.Why("jemalloc")}: how jemalloc maps its extents and metadata when the kernel overcommits", Confidence.Inferred);
        }
    }
}
