using Memlens.Core.Model;

namespace Memlens.Core.Classification;

/// <summary>
/// Runs the rules in order; the first rule with evidence for a region owns it. Order matters where evidence
/// overlaps: a Go heap arena can hold a thread's stack pointer, so the Go rule runs before the stack rule.
/// What no rule claims is <see cref="Kinds.Unattributed"/>: shown, never guessed.
/// </summary>
public static class Classifier
{
    public static IReadOnlyList<IClassificationRule> DefaultRules() =>
    [
        new KernelRule(),
        new NamedAnonymousRule(),
        new MainStackRule(),
        new BrkHeapRule(),
        new DotnetFileRule(),
        new SharedMemoryRule(),
        new ImageRule(),
        new GoLayoutRule.Arenas(),
        new ThreadStackRule(),
        new GlibcArenaRule(),
        new GoLayoutRule.Summaries(),
        new DotnetReservationRule(),
        new JvmRule(),
        new GlibcMmapChunkRule(),
        new GoRemainderRule(),
        new GuardPatternStackRule(),
        new MappedFileRule(),
    ];

    public static void Classify(ProcessSnapshot snapshot, IReadOnlyList<IClassificationRule>? rules = null)
    {
        if (snapshot.Regions.All(r => r.Attribution is null) && MergedStackSplitter.Split(snapshot) is { } divided) snapshot.ReplaceRegions(divided);
        var context = new ClassificationContext(snapshot);
        foreach (var rule in rules ?? DefaultRules()) rule.Apply(context);
        foreach (var r in snapshot.Regions.Where(r => r.Attribution is null))
            r.Attribution = new Attribution(Kinds.Unattributed, Unattributed(r), "", "no rule had evidence for an owner");
    }

    private static string Unattributed(Region r) =>
        r.Map.FileBacked ? r.Map.Path
        : r.Map.NoAccess ? "anonymous reservation (PROT_NONE)"
        : r.Map.Shared ? "anonymous shared"
        : "anonymous private";
}
