using System.Text.RegularExpressions;
using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Go;

/// <summary>
/// The Go runtime, recognised by any of: the executable's Go build info, a metrics page with the runtime's metrics,
/// or the address space itself (an anonymous mapping at one of the runtime's heap-arena hint addresses).
/// </summary>
public sealed partial class GoModule : IRuntimeModule
{
    public const string ModuleName = "go";
    public string Name => ModuleName;
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if (signals.ExeLayout is { IsGo: true } exe) evidence.Add($"the executable is a Go binary ({exe.GoEvidence})");
        // A metrics page speaks for the process only when its executable cannot speak for itself: a readable ELF
        // without Go build info is not Go, whatever page was given with it.
        if (signals.ExeLayout is null)
        {
            if (signals.MetricsWith("go_memstats_", "go_gc_", "go_goroutines", "go_memory_classes_", "# runtime.MemStats") is { } page) evidence.Add(page);
            else if (signals.MetricsPages.FirstOrDefault(p => p.Text.Contains("\"memstats\"", StringComparison.Ordinal)) is { Source: { } expvar })
                evidence.Add($"the metrics page {expvar} has expvar's \"memstats\"");
        }
        if (signals.Regions.FirstOrDefault(r => r.IsPrivateAnonymous && IsArenaHint(r.Start)) is { } arena)
            evidence.Add($"an anonymous mapping starts at {Hex(arena.Start)}, one of the Go runtime's heap-arena hint addresses (mallocinit: i<<40 | 0x00c0<<32)");
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }

    /// <summary>i&lt;&lt;40 | 0x00c0&lt;&lt;32 for i ≤ 0x7f: where the runtime asks the kernel to put its heap.</summary>
    public static bool IsArenaHint(ulong address) => (address & ((1UL << 40) - 1)) == 0xc0UL << 32 && address >> 40 <= 0x7f;

    public IReadOnlyList<PhasedRule> Rules { get; } =
    [
        new(RulePhase.FixedAddresses, new GoLayoutRule.Arenas()),
        new(RulePhase.Reservations, new GoLayoutRule.Summaries()),
        new(RulePhase.Remainders, new GoRemainderRule()),
    ];

    /// <summary>The Go version: the binary's build info, else go_info{version="…"} on a metrics page.</summary>
    public static string? Version(ClassificationContext context) =>
        context.ExeLayout?.GoVersion ?? VersionFromMetrics(context.Signals.MetricsPages);

    public static string? VersionFromMetrics(IEnumerable<(string Source, string Text)> pages)
    {
        foreach (var (_, text) in pages)
            if (GoInfo().Match(text) is { Success: true } m) return m.Groups[1].Value;
        return null;
    }

    /// <summary>"a Go binary (evidence, version)" or "a Go process (every signal)", for evidence text.</summary>
    public static string Why(ClassificationContext context, string? version = null)
    {
        if (context.ExeLayout is { IsGo: true } exe)
            return $"a Go binary ({exe.GoEvidence ?? "Go binary"}{(version is null ? "" : $", {version}")})";
        return $"a Go process ({context.Why(ModuleName)}{(version is null ? "" : $", {version}")})";
    }

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var go = context.Breakdown.Kind(Kinds.Go);
        if (go is null) yield break;
        var parts = FindingWords.Owners(go, "mapped");
        yield return new Finding("Go runtime", go.Figures.Virtual,
            $"The Go runtime owns {Format(go.Figures.Virtual)} of VSZ{(go.Figures.Rss is ulong rss ? $" but only {Format(rss)} is resident" : " (how much is resident needs smaps)")}. {parts}. The PROT_NONE parts are reservations made at start-up for the heap's whole address range; they cost no RAM. GOGC and GOMEMLIMIT govern the heap itself.");
    }

    [GeneratedRegex("""(?m)^go_info\{[^}]*version="(go[0-9][^"]*)"[^}]*\}""")]
    private static partial Regex GoInfo();
}
