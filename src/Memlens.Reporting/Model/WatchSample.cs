namespace Memlens.Reporting.Model;

/// <summary>
/// One sample of `memlens watch` (docs/json.md, "watch"): a full read with the owners that changed since the start and
/// since the last sample, or, between full reads of a huge process, the smaps_rollup totals alone.
/// </summary>
public sealed record WatchSample(string Schema, int Sample, DateTimeOffset Time, int Pid, string? Name, string Read,
    ulong? Rss, ulong? Pss, ulong? Swap, DiffReport? SinceStart, DiffReport? SinceLast, string? Note)
{
    public const string SchemaVersion = "memlens.watch/1";
    public const string Full = "full";
    public const string RollupOnly = "smaps_rollup";
}
