using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>HotSpot: the Java heap, class space, code cache, metaspace, GC tables.</summary>
public sealed class JvmModule : IRuntimeModule
{
    public string Name => "jvm";
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if (signals.MappedLibrary("libjvm.so") is { } jvm) evidence.Add($"{jvm} is mapped");
        if (signals.MetricsWith("jvm_") is { } page) evidence.Add(page);
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }

    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Files, new JvmFileRule()), new(RulePhase.Reservations, new JvmRule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var jvm = context.Breakdown.Kind(Kinds.Jvm);
        if (jvm is null) yield break;
        var parts = string.Join("; ", jvm.Owners.Select(o => $"{o.Owner}: {Format(o.Figures.Virtual)} virtual, {Format(o.Figures.Committed)} committed, {Format(o.Figures.Rss)} resident"));
        yield return new Finding("JVM", jvm.Figures.Virtual, $"The JVM owns {Format(jvm.Figures.Virtual)} of VSZ and {Format(jvm.Figures.Rss)} of RSS. {parts}. -Xmx, -XX:CompressedClassSpaceSize and -XX:ReservedCodeCacheSize set these reservations.");
    }
}
