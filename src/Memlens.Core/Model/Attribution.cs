namespace Memlens.Core.Model;

/// <summary>How sure an attribution is (docs/categories.md, "Confirmed and inferred").</summary>
public enum Confidence
{
    /// <summary>Proved from the process or its files: a kernel name, an ELF segment, an allocator header read from memory, a stack pointer.</summary>
    Confirmed,
    /// <summary>The runtime is identified by an independent signal and the region matches its documented layout.</summary>
    Inferred,
}

/// <summary>Who owns a region, which part of the owner it is, the evidence that says so, and how sure that is.</summary>
/// <param name="Hint">for an unattributed region only: what it is shaped like, and why that is not enough.</param>
public sealed record Attribution(Owner Owner, string Detail, string Evidence, Confidence Confidence, string? Hint = null)
{
    public string Kind => Owner.Kind;
}
