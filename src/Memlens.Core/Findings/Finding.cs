namespace Memlens.Core.Findings;

/// <summary>A finding in plain words: a title, the bytes it is about (for ordering), and what a person can do.</summary>
public sealed record Finding(string Title, ulong Bytes, string Text)
{
    /// <summary>The owners whose memory this finding explains, so a broader finding does not explain them twice.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Model.Owner> About { get; init; } = [];
}

/// <summary>Words shared by the runtimes' findings.</summary>
public static class FindingWords
{
    /// <summary>"owner: V virtual, C committed, R resident; …" for every owner of a kind.</summary>
    public static string Owners(Accounting.KindGroup kind, string committed = "committed") =>
        string.Join("; ", kind.Owners.Select(o => $"{o.Owner}: {Model.Bytes.Format(o.Figures.Virtual)} virtual, {Model.Bytes.Format(o.Figures.Committed)} {committed}{(o.Figures.Rss is ulong r ? $", {Model.Bytes.Format(r)} resident" : "")}"));
}
