using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
namespace Memlens.Reporting.Model;

/// <summary>`memlens threads`: one row per thread (docs/json.md).</summary>
public sealed record ThreadsReport(string Schema, ProcessInfo Process, IReadOnlyList<ThreadRow> Threads, string ArenaNote)
{
    public const string SchemaVersion = "memlens.threads/1";
}

public sealed record ThreadRow(int Tid, string? Name, string? StackPointer, string? StackRange, ulong? StackSize, ulong? StackResident, ulong? GuardSize, string Where, string How);

/// <summary>`memlens diff A B` and each sample of `memlens watch`: per owner, what appeared, vanished, grew or shrank.</summary>
public sealed record DiffReport(string Schema, string Before, string After, Figures TotalBefore, Figures TotalAfter, IReadOnlyList<OwnerChangeRow> Changes)
{
    public const string SchemaVersion = "memlens.diff/1";

    /// <summary>RSS by kind before and after (every owner, changed or not): the two columns of the stacked chart.</summary>
    public IReadOnlyList<Memlens.Core.History.KindSample> Kinds { get; init; } = [];
}

public sealed record OwnerChangeRow(string Kind, string Owner, string Change, Figures Before, Figures After, long VirtualDelta, long? RssDelta,
    IReadOnlyList<string> RegionsAppeared, IReadOnlyList<string> RegionsVanished);

/// <summary>`memlens watch --format html`: the samples' RSS by kind over time, and what changed from the first to the last.</summary>
public sealed record WatchPage(string Name, int Pid, IReadOnlyList<Memlens.Core.History.KindSample> Kinds, DiffReport SinceStart, string? Ended);
