using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>CoreCLR: its double-mapped executable memory, the GC's regions range, managed assemblies.</summary>
public sealed class DotnetModule : IRuntimeModule
{
    public const string ModuleName = "dotnet";
    public string Name => ModuleName;
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals) => signals.Identify(Name, ["libcoreclr.so"], "process_runtime_dotnet_", "dotnet_");

    public IReadOnlyList<PhasedRule> Rules { get; } =
        [new(RulePhase.Files, new DotnetFileRule()), new(RulePhase.Reservations, new DotnetReservationRule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var dn = context.Breakdown.Kind(Kinds.Dotnet);
        if (dn is null) yield break;
        var parts = FindingWords.Owners(dn);
        foreach (var f in DotnetFindings.Of(context.Snapshot, DotnetRuntimeView.Build(context.Snapshot, context.Breakdown))) yield return f;
        yield return new Finding(".NET runtime", dn.Figures.Virtual,
            $"The .NET runtime owns {Format(dn.Figures.Virtual)} of VSZ and {Format(dn.Figures.Rss)} of RSS. {parts}. The GC reserves its whole regions range up front; DOTNET_GCRegionRange or DOTNET_GCHeapHardLimit shrink the reservation, which costs no RAM either way.");
    }
}
