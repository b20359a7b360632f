using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Allocators;

/// <summary>A malloc replacement's own mappings (research/runtime-facts-2.md §13), as one owner per allocator.</summary>
public sealed record AllocatorHeap(string Allocator, string Text) : Owner, IMallocArena
{
    public override string Kind => Kinds.NativeHeap;
    public override string Label => Text;
}

/// <summary>
/// gperftools tcmalloc: its page heap grows with sbrk first (the brk heap rule names it), then with mmap in steps of
/// at least 1 MiB (kMinSystemAlloc); metadata comes in 8 MiB chunks. What is left anonymous and rw, 1 MiB or more, once
/// stacks are known, is its.
/// </summary>
public sealed class TcmallocModule : IRuntimeModule
{
    public static readonly AllocatorHeap Heap = new("tcmalloc", "tcmalloc page heap and metadata (mmapped)");
    public string Name => "tcmalloc";
    public ModuleRole Role => ModuleRole.Allocator;
    public RuntimeIdentification? Identify(RuntimeSignals signals) => signals.Identify(Name, ["libtcmalloc"]);
    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.AllocatorHeaders, new LeftoverRule(Heap, "tcmalloc", Bytes.MiB,
        "gperftools tcmalloc maps its page heap in steps of at least 1 MiB (kMinSystemAlloc) once sbrk is exhausted, and its metadata in 8 MiB chunks"))];
    public IEnumerable<Finding> Findings(FindingContext context) => AllocatorFinding.Write(context, "tcmalloc", o => o is AllocatorHeap { Allocator: "tcmalloc" } || o is BrkHeap.BrkHeapOwner { Grower: "tcmalloc" },
        "TCMALLOC_RELEASE_RATE and MallocExtension::ReleaseFreeMemory return free pages; TCMALLOC_SKIP_SBRK makes it map instead of growing the brk heap");
}

/// <summary>
/// mimalloc: segments (4 MiB in v1, 32 MiB in v2) aligned to their size, at hint addresses from 2 TiB up (MI_HINT_BASE),
/// and named "[anon:mimalloc]" from v1.9.3/v2.2.3 (the names rule gives those their kind).
/// </summary>
public sealed class MimallocModule : IRuntimeModule
{
    public static readonly AllocatorHeap Heap = new("mimalloc", "mimalloc segments and arenas");
    public string Name => "mimalloc";
    public ModuleRole Role => ModuleRole.Allocator;
    public RuntimeIdentification? Identify(RuntimeSignals signals) => signals.Identify(Name, ["libmimalloc"]);
    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.AllocatorHeaders, new MimallocRule())];
    public IEnumerable<Finding> Findings(FindingContext context) => AllocatorFinding.Write(context, "mimalloc", o => o is AllocatorHeap { Allocator: "mimalloc" },
        "MIMALLOC_PURGE_DELAY (MIMALLOC_RESET_DELAY before v2.1) and MIMALLOC_ARENA_EAGER_COMMIT decide how soon freed memory goes back; MIMALLOC_SHOW_STATS=1 prints its statistics at exit");

    private sealed class MimallocRule : IClassificationRule
    {
        private const ulong HintBase = 2UL << 40, HintMax = 32UL << 40;

        public void Apply(ClassificationContext context)
        {
            foreach (var r in context.Regions)
            {
                if (context.IsClaimed(r) || !r.IsPrivateAnonymous || r.Map.Executable || r.Start < HintBase || r.End > HintMax || r.Start % (4 * Bytes.MiB) != 0) continue;
                context.Claim(r, Heap, r.Map.NoAccess ? "reserved" : "segments",
                    $"an anonymous mapping at {Bytes.Hex(r.Start)}, on a 4 MiB boundary in the 2–32 TiB range where mimalloc places its segments and arenas (MI_HINT_BASE 2 TiB), in a process with {context.Why("mimalloc")}", Confidence.Inferred);
            }
        }
    }
}

/// <summary>musl's mallocng: meta areas from brk (the brk heap rule names it), groups and allocations over 128 KiB by mmap.</summary>
public sealed class MuslModule : IRuntimeModule
{
    public static readonly AllocatorHeap Heap = new("musl malloc", "musl malloc groups and large allocations");
    public string Name => "musl";
    public ModuleRole Role => ModuleRole.Allocator;
    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if ((signals.MappedLibrary("ld-musl") ?? signals.MappedLibrary("libc.musl")) is { } lib) evidence.Add($"{lib} is mapped");
        if (signals.ExeLayout?.Interpreter is { } interp && interp.Contains("ld-musl", StringComparison.Ordinal)) evidence.Add($"the executable's interpreter is {interp}");
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }
    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.AllocatorHeaders, new LeftoverRule(Heap, "musl", 128 * Bytes.KiB,
        "musl's mallocng maps slot groups and every allocation above MMAP_THRESHOLD (131052 bytes) with mmap, and has no per-thread arenas"))];
    public IEnumerable<Finding> Findings(FindingContext context) => AllocatorFinding.Write(context, "musl malloc", o => o is AllocatorHeap { Allocator: "musl malloc" } || o is BrkHeap.BrkHeapOwner { Grower: "musl malloc" },
        "mallocng returns freed groups to the system itself (it has no tunables); a program that needs another allocator can link one");
}

/// <summary>Anonymous rw mappings at least <paramref name="minimum"/> that are left once stacks are known: the allocator's (identified as <paramref name="runtime"/>), inferred.</summary>
public sealed class LeftoverRule(AllocatorHeap owner, string runtime, ulong minimum, string why) : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Map.Executable || r.Size < minimum) continue;
            context.Claim(r, owner, "heap", $"an anonymous rw mapping of {Bytes.Format(r.Size)} that no stack or runtime claims, in a process with {context.Why(runtime)}: {why}", Confidence.Inferred);
        }
    }
}

internal static class AllocatorFinding
{
    public static IEnumerable<Finding> Write(FindingContext context, string allocator, Func<Owner, bool> owns, string knobs)
    {
        var owners = context.Breakdown.AllOwners.Where(o => owns(o.Owner)).ToList();
        if (owners.Count == 0) yield break;
        var f = Figures.Sum(owners.Select(o => o.Figures));
        yield return new Finding(allocator, f.Virtual,
            $"{allocator} has {Format(f.Virtual)} mapped ({Format(f.Rss)} resident) for the program's malloc: {string.Join("; ", owners.Select(o => $"{o.Owner} {Format(o.Figures.Virtual)}"))}. {knobs}.")
        { About = [.. owners.Select(o => o.Owner)] };
    }
}
