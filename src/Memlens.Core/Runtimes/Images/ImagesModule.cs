namespace Memlens.Core.Runtimes.Images;

/// <summary>Mapped files: ELF images by segment, and data files.</summary>
public sealed class ImagesModule : IRuntimeModule
{
    public string Name => "images";
    public ModuleRole Role => ModuleRole.Process;
    public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["every process"]);
    public IReadOnlyList<PhasedRule> Rules { get; } =
        [new(RulePhase.Files, new ImageRule()), new(RulePhase.Remainders, new MappedFileRule())];
}
