namespace Memlens.Reporting.Model;

/// <summary>`memlens strace`: each replayed process's end state, per thread and per owner (docs/json.md, "memlens.strace/1").</summary>
public sealed record StraceReport(string Schema, string Log, long Lines, long GarbageLines, string? StoppedAt, IReadOnlyList<string> Problems,
    long DroppedExitedProcesses, IReadOnlyList<StraceProcessRow> Processes)
{
    public const string SchemaVersion = "memlens.strace/1";
}

public sealed record StraceProcessRow(int Pid, string? Exe, bool Exited, long FirstLine, long LastLine, ulong Virtual, ulong Committed, ulong PeakVirtual,
    IReadOnlyList<StraceThreadRow> Threads, IReadOnlyList<StraceOwnerRow> Owners, IReadOnlyList<StraceRegionRow> Regions, StraceComparison? Comparison);

public sealed record StraceThreadRow(int Tid, long Calls, ulong Mapped, ulong Unmapped, ulong Committed, ulong Decommitted, ulong Released, long Failed, string? StackPointer);

public sealed record StraceOwnerRow(string Kind, string Owner, int Regions, ulong Virtual, ulong Committed, string CreatedBy);

/// <summary>A region in the report's own schema (start, end, perms, path, kind, owner, evidence) plus where it came from.</summary>
public sealed record StraceRegionRow(string Start, string End, string Perms, ulong Offset, string Path, string Kind, string Owner, string Detail,
    string Evidence, ulong Size, StraceProvenance Created, StraceProvenance? Changed);

public sealed record StraceProvenance(int Tid, string Call, long Line, string? Time);

/// <summary>The replayed end state lined up with a live process's or snapshot's maps, range by range.</summary>
public sealed record StraceComparison(string Target, int Matched, int OnlyInLog, int OnlyInTarget, ulong OnlyInTargetBytes, IReadOnlyList<string> Differences);
