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
        var facts = JvmFacts.Read(context.Snapshot);
        var heap = context.Breakdown.AllOwners.FirstOrDefault(o => o.Owner == JvmOwner.Heap);
        if (heap is not null && facts.MaxHeap is ulong max && !SizesTheHeap(facts, context.Snapshot))
            yield return new Finding("Java heap sized by HotSpot's default", heap.Figures.Virtual,
                $"Nothing on the command line bounds the heap, so it may grow to {Format(max)}: HotSpot's default is 25% of the RAM the JVM sees (MaxRAMPercentage), and in a container of its memory limit. "
                + "Set -Xmx, or -XX:MaxRAMPercentage in a container, to the heap the program needs — and leave room beside it for what is not heap: metaspace, the code cache, thread stacks, the collector's tables and malloc'd memory (memlens jvm shows each).")
            { About = [JvmOwner.Heap] };
        var code = context.Breakdown.AllOwners.FirstOrDefault(o => o.Owner == JvmOwner.CodeCache);
        if (code is { Figures: { Virtual: > 0 } cf } && cf.Committed >= cf.Virtual / 20 * 19)
            yield return new Finding("JVM code cache at its reservation", cf.Committed,
                $"The code cache has committed {Format(cf.Committed)} of its {Format(cf.Virtual)} reservation ({facts.CodeCacheSource}): it cannot grow further. When compiled code fills it, HotSpot stops compiling (it logs \"CodeCache is full. Compiler has been disabled.\") and new hot methods run interpreted. "
                + "If that warning is in the program's output, raise -XX:ReservedCodeCacheSize; jcmd PID Compiler.CodeHeap_Analytics shows how full each code heap is.")
            { About = [JvmOwner.CodeCache] };
        if (heap?.Figures.Rss is ulong rss && facts.HeapUsed() is ulong used && rss > used + 256 * MiB && rss > 2 * used)
            yield return new Finding("Java heap resident far above what it holds", rss - used,
                $"The heap has {Format(rss)} resident and {Format(used)} in objects (the collector's own count, perf-data): the JVM keeps pages it once used until the heap shrinks. "
                + "G1 gives them back after -XX:G1PeriodicGCInterval=<ms> (JDK 12+) or when a collection leaves more free than -XX:MaxHeapFreeRatio allows; -Xms sets the floor it never goes below. Other collectors shrink only after a full collection.")
            { About = [JvmOwner.Heap] };
    }

    /// <summary>Whether the heap's size was chosen on the command line (or in JAVA_TOOL_OPTIONS, which the perf-data's vmArgs hold).</summary>
    private static bool SizesTheHeap(JvmFacts facts, ProcessSnapshot s)
    {
        var args = s.Cmdline.Concat((facts.PerfData?.String("java.rt.vmArgs") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return args.Any(a => a.StartsWith("-Xmx", StringComparison.Ordinal) || a.StartsWith("-XX:MaxHeapSize", StringComparison.Ordinal)
            || a.StartsWith("-XX:MaxRAM", StringComparison.Ordinal) || a.StartsWith("-XX:InitialRAMPercentage", StringComparison.Ordinal));
    }
}
