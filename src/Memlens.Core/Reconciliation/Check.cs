namespace Memlens.Core.Reconciliation;

/// <summary>One identity: what the mappings (or another file) say it should be, what the kernel printed, and why any residual exists.</summary>
public sealed record Check(string Name, ulong Expected, ulong Actual, bool Holds, string Explanation)
{
    /// <summary>
    /// The one tolerance comparison: holds when |actual − expected| ≤ tolerance; <paramref name="explain"/> words the
    /// meaning with the residual (and whether it is within the tolerance) the way its section states residuals.
    /// </summary>
    public static Check Near(string name, ulong expected, ulong actual, ulong tolerance, Func<long, bool, string> explain)
    {
        long residual = (long)actual - (long)expected;
        bool holds = (ulong)Math.Abs(residual) <= tolerance;
        return new Check(name, expected, actual, holds, explain(residual, holds));
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Residual => (long)Actual - (long)Expected;
}
