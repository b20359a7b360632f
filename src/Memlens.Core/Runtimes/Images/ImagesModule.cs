namespace Memlens.Core.Runtimes.Images;

/// <summary>Mapped files: ELF images by segment, and data files.</summary>
public sealed class ImagesModule() : EveryProcessModule("images",
    new(RulePhase.Files, new ImageRule()), new(RulePhase.Remainders, new MappedFileRule()));
