namespace Memlens.Core.Reconciliation;

/// <summary>One identity: what the mappings (or another file) say it should be, what the kernel printed, and why any residual exists.</summary>
public sealed record Check(string Name, ulong Expected, ulong Actual, bool Holds, string Explanation)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public long Residual => (long)Actual - (long)Expected;
}
