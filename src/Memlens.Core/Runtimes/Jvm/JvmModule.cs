using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>HotSpot: the Java heap, class space, code cache, metaspace, GC tables.</summary>
public sealed class JvmModule : IRuntimeModule
{
    public const string ModuleName = "jvm";
    public string Name => ModuleName;
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals) => signals.Identify(Name, ["libjvm.so"], "jvm_");

    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Files, new JvmFileRule()), new(RulePhase.Reservations, new JvmRule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var jvm = context.Breakdown.Kind(Kinds.Jvm);
        if (jvm is null) yield break;
        var parts = FindingWords.Owners(jvm);
        yield return new Finding("JVM", jvm.Figures.Virtual, $"The JVM owns {Format(jvm.Figures.Virtual)} of VSZ and {Format(jvm.Figures.Rss)} of RSS. {parts}. -Xmx, -XX:CompressedClassSpaceSize and -XX:ReservedCodeCacheSize set these reservations.");
    }
}
