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
        // One owner per shape and one attribution for every hintless region of it: a million leftover mappings share a few objects.
        var owners = new Dictionary<string, (UnattributedOwner Owner, Attribution Plain)>();
        foreach (var r in signals.Regions)
        {
            if (r.Attribution is not null) continue;
            string shape = Unattributed(r);
            if (!owners.TryGetValue(shape, out var known))
            {
                var owner = new UnattributedOwner(shape);
                owners[shape] = known = (owner, new Attribution(owner, "", NoEvidence, Confidence.Confirmed));
            }
            string? hint = context.HintFor(r);
            r.Attribution = hint is null ? known.Plain : new Attribution(known.Owner, "", $"{NoEvidence}; {hint}", Confidence.Confirmed, hint);
        }
        return runtimes;
    }

    private const string NoEvidence = "no rule had evidence for an owner";

    private static string Unattributed(Region r) =>
        r.Map.FileBacked ? r.Map.Path
        : r.Map.NoAccess ? "anonymous reservation (PROT_NONE)"
        : r.Map.Shared ? "anonymous shared"
        : "anonymous private";
}
