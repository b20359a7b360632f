using Memlens.Core.Model;
using Memlens.Core.Strace;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

/// <summary>Turns a replay into the <see cref="StraceReport"/>: the same owners as the report, plus provenance.</summary>
public static class StraceReportBuilder
{
    public static StraceReport Build(StraceAnalysis analysis, int? pid = null, ProcessSnapshot? with = null)
    {
        var processes = analysis.Replayer.Processes
            .Where(p => pid is null || p.Pid == pid || p.Threads.ContainsKey(pid.Value) || p.ThreadStacks.ContainsKey(pid.Value))
            .Where(p => p.Space.Segments.Count > 0 || p.PeakVirtual > 0 || pid is not null)   // one that unmapped everything is still reported
            .Select(p => Process(p, analysis.Log, with)).ToList();
        var problems = analysis.Problems.Select(e => $"line {e.Line}: {e.Kind}: {e.Text}").Concat(analysis.Replayer.Notes).ToList();
        return new StraceReport(StraceReport.SchemaVersion, analysis.Log, analysis.Lines, analysis.Garbage, analysis.StoppedAt, problems,
            analysis.Replayer.DroppedExited, processes);
    }

    private static StraceProcessRow Process(ReplayedProcess p, string log, ProcessSnapshot? with)
    {
        var (replayed, segments) = StraceAnalysis.Analyze(p, log);
        var regions = replayed.Regions.Select(r =>
        {
            var s = segments[r.Index];
            var a = r.Attribution!;
            return new StraceRegionRow($"{r.Start:x}", $"{r.End:x}", r.Map.Perms, r.Map.Offset, r.Map.Path, a.Kind, a.Owner.Label, a.Detail, a.Evidence, r.Size,
                Prov(s.Created), s.Changed is { } changed ? Prov(changed) : null);
        }).ToList();
        var owners = regions.GroupBy(r => (r.Kind, r.Owner)).Select(g => new StraceOwnerRow(g.Key.Kind, g.Key.Owner, g.Count(),
                (ulong)g.Sum(r => (decimal)r.Size), (ulong)g.Where(r => !r.Perms.StartsWith("---", StringComparison.Ordinal)).Sum(r => (decimal)r.Size),
                string.Join("; ", g.GroupBy(r => (r.Created.Tid, r.Created.Call)).Select(c => $"thread {c.Key.Tid} {c.Key.Call} (line {c.Min(x => x.Created.Line)})").Take(4))))
            .OrderByDescending(o => o.Virtual).ToList();
        var threads = p.Threads.Values.OrderBy(t => t.Tid).Select(t => new StraceThreadRow(t.Tid, t.Calls, t.Mapped, t.Unmapped, t.Committed, t.Decommitted, t.Released, t.Failed,
            p.ThreadStacks.TryGetValue(t.Tid, out ulong sp) ? $"{sp:x}" : null)).ToList();
        return new StraceProcessRow(p.Pid, p.Exe, p.Exited, p.FirstLine, p.LastLine, p.Space.Virtual, p.Space.Committed, p.PeakVirtual, threads, owners, regions,
            with is null ? null : Compare(regions, with));
    }

    private static StraceComparison Compare(IReadOnlyList<StraceRegionRow> log, ProcessSnapshot target)
    {
        var inLog = log.ToDictionary(r => (r.Start, r.End));
        var inTarget = target.Regions.ToDictionary(r => ($"{r.Start:x}", $"{r.End:x}"));
        var differences = new List<string>();
        int matched = 0;
        foreach (var (key, r) in inLog)
        {
            if (inTarget.TryGetValue(key, out var t))
            {
                matched++;
                if (t.Map.Perms != r.Perms && differences.Count < 50) differences.Add($"{key.Item1}-{key.Item2}: {r.Perms} in the log, {t.Map.Perms} in {target.Source}");
            }
            else if (differences.Count < 50) differences.Add($"{key.Item1}-{key.Item2} {r.Perms} {r.Owner}: only in the log");
        }
        var missing = target.Regions.Where(t => !inLog.ContainsKey(($"{t.Start:x}", $"{t.End:x}"))).ToList();
        return new StraceComparison(target.Source, matched, inLog.Count - matched, missing.Count, (ulong)missing.Sum(t => (decimal)t.Size), differences);
    }

    private static StraceProvenance Prov(Provenance p) => new(p.Tid, p.Call, p.Line, p.Time.Text);
}
