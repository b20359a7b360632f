using Memlens.Core.Analysis;
using Memlens.Core.Diff;
using Memlens.Core.Model;
using Memlens.Core.Threads;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

public static class ChangeReportBuilder
{
    public const string ArenaNote = "which malloc arena a thread uses is kept in the thread's TLS (glibc's thread_arena), which /proc does not show; arenas are listed by address under native-heap";

    public static ThreadsReport Threads(ProcessAnalysis s)
    {
        var rows = ThreadStacks.Describe(s).Select(t => new ThreadRow(t.Tid, t.Name, t.StackPointer is ulong sp ? $"{sp:x}" : null, t.StackRange,
            t.StackSize, t.StackResident, t.GuardSize, t.Where, t.How)).ToList();
        return new ThreadsReport(ThreadsReport.SchemaVersion, ReportBuilder.Build(s).Process, rows, ArenaNote);
    }

    public static DiffReport Diff(ProcessAnalysis a, ProcessAnalysis b, bool includeSame = false)
    {
        var (changes, before, after) = SnapshotDiff.Compare(a, b);
        var rows = changes.Where(c => includeSame || c.Change != "same").Select(c => new OwnerChangeRow(c.Kind, c.Identity, c.Change,
            c.Before, c.After, (long)c.After.Virtual - (long)c.Before.Virtual,
            c.After.Rss is ulong ar && c.Before.Rss is ulong br ? (long)ar - (long)br : null, c.Appeared, c.Vanished)).ToList();
        Memlens.Core.History.KindSample Kinds(DateTimeOffset at, Func<Memlens.Core.Diff.OwnerChange, ulong?> rss) =>
            new(at, changes.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Aggregate(0UL, (sum, c) => sum + (rss(c) ?? 0))));
        var at = a.Snapshot.CapturedAt ?? DateTimeOffset.UnixEpoch;
        return new DiffReport(DiffReport.SchemaVersion, a.Snapshot.Source, b.Snapshot.Source, before, after, rows)
        {
            Kinds = [Kinds(at, c => c.Before.Rss), Kinds(b.Snapshot.CapturedAt is { } bt && bt > at ? bt : at.AddSeconds(1), c => c.After.Rss)],
        };
    }
}
