using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
namespace Memlens.Reporting.Model;

/// <summary>`memlens cgroup`: the cgroup's accounting beside its processes' (docs/json.md, "memlens.cgroup/1").</summary>
public sealed record CgroupReport(string Schema, string Directory, string Version, IReadOnlyList<CgroupFigureRow> Figures, IReadOnlyList<Check> Checks,
    IReadOnlyList<CgroupProcessRow> Processes, IReadOnlyList<string> Notes, IReadOnlyDictionary<string, ulong> Events)
{
    public const string SchemaVersion = "memlens.cgroup/1";
}

public sealed record CgroupFigureRow(string Name, ulong? Bytes, string Meaning);

public sealed record CgroupProcessRow(int Pid, string? Name, ulong? RssAnon, ulong? RssFile, ulong? RssShmem, ulong? Swap);
