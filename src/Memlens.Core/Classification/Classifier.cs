using Memlens.Core.Model;
using Memlens.Core.Runtimes;

namespace Memlens.Core.Classification;

/// <summary>
/// Runs the rules of the modules the process uses in the order <see cref="RuntimeCatalog"/> declares; the first rule
/// with evidence for a region owns it. What no rule claims is <see cref="Kinds.Unattributed"/>: shown, never
/// guessed, with a hint where a rule saw a shape it could not prove.
/// </summary>
internal static class Classifier
{
    /// <summary>Claims every region of <paramref name="regions"/> (fresh, unowned); returns the runtimes identified.</summary>
    public static IReadOnlyDictionary<string, RuntimeIdentification> Classify(RuntimeSignals signals, IReadOnlyList<IRuntimeModule>? modules = null)
    {
        var runtimes = RuntimeCatalog.Identify(signals, modules);
        var context = new ClassificationContext(signals, runtimes);
        foreach (var (module, rule) in RuntimeCatalog.OrderedRules(modules))
            if (runtimes.ContainsKey(module.Name)) rule.Apply(context);
        foreach (var r in signals.Regions.Where(r => r.Attribution is null))
        {
            string? hint = context.HintFor(r);
            r.Attribution = new Attribution(new UnattributedOwner(Unattributed(r)), "",
                hint is null ? "no rule had evidence for an owner" : $"no rule had evidence for an owner; {hint}", Confidence.Confirmed, hint);
        }
        return runtimes;
    }

    private static string Unattributed(Region r) =>
        r.Map.FileBacked ? r.Map.Path
        : r.Map.NoAccess ? "anonymous reservation (PROT_NONE)"
        : r.Map.Shared ? "anonymous shared"
        : "anonymous private";
}
