using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Glibc;

/// <summary>glibc's malloc: the brk heap (main arena), per-thread arenas of 64 MiB heaps, mmapped chunks.</summary>
public sealed class GlibcModule : IRuntimeModule
{
    public string Name => GlibcNames.Module;
    public ModuleRole Role => ModuleRole.Allocator;

    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if (signals.MappedFiles.FirstOrDefault(GlibcNames.IsLibc) is { } libc) evidence.Add($"{libc} is mapped");
        // In an strace log without -y paths nothing names libc, but the executable asks for glibc's loader.
        if (signals.ExeLayout?.Interpreter is { } interp && interp.Contains("/ld-linux", StringComparison.Ordinal))
            evidence.Add($"the executable's interpreter is {interp}");
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }

    public IReadOnlyList<PhasedRule> Rules { get; } =
    [
        new(RulePhase.AllocatorHeaders, new GlibcArenaRule()),
        new(RulePhase.AllocatorChunks, new GlibcMmapChunkRule()),
    ];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var arenas = context.Breakdown.AllOwners.Where(o => o.Owner is GlibcArena).ToList();
        if (arenas.Count == 0) yield break;
        var f = Figures.Sum(arenas.Select(a => a.Figures));
        ulong each = f.Committed / (ulong)arenas.Count;
        yield return new Finding("glibc malloc arenas", f.Virtual,
            $"{Format(f.Virtual)} of VSZ are {arenas.Count} glibc malloc arena heap(s) (64 MiB each, one arena per thread that called malloc, up to 8 × cores): {Format(f.Committed)} committed ({Format(each)} each on average), {Format(f.Rss)} resident. The rest is address space only. MALLOC_ARENA_MAX (or the tunable glibc.malloc.arena_max) caps their number if per-thread arenas fragment memory.")
        { About = [.. arenas.Select(a => a.Owner)] };
    }
}
