namespace Memlens.Core.Model;

/// <summary>Who owns a region, which part of the owner it is, and the evidence that says so.</summary>
public sealed record Attribution(string Kind, string Owner, string Detail, string Evidence);
