namespace Memlens.Core.Findings;

/// <summary>A finding in plain words: a title, the bytes it is about (for ordering), and what a person can do.</summary>
public sealed record Finding(string Title, ulong Bytes, string Text);
