namespace Memlens.Core.Strace;

/// <summary>Where a piece of the address space came from: which thread, which call, at which line and time.</summary>
public sealed record Provenance(int Tid, string Call, long Line, string? Time);
