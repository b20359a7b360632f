using Memlens.Core.Analysis;
using Memlens.Core.Machine;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;

namespace Memlens.Core.History;

/// <summary>
/// One process sampled into a <see cref="HistoryStore"/>: smaps_rollup and status every time (cheap), the owners from a
/// full classification on the first sample, every <c>fullEvery</c> samples, and whenever RSS has moved by 5% since.
/// </summary>
public sealed class Recorder(HistoryStore store, ProcRoot proc, int fullEvery, string? metrics = null)
{
    /// <summary>Why the metrics page could not be read at the last classified sample (null when it was, or none was given).</summary>
    public string? MetricsProblem { get; private set; }

    private ulong? _rssAtFull;
    private int _sinceFull;
    private long _start;

    /// <summary>The sample written (null when the process is gone).</summary>
    public RecordedSample? Sample(int pid, string program)
    {
        var rollup = LiveProcess.Rollup(pid, proc);
        var statText = proc.ProcessText(pid, "stat");
        var statusText = proc.ProcessText(pid, "status");
        if (rollup is not { } r || statText is null || statusText is null) return null;
        long start = (long)(StatFile.Parse(System.Text.Encoding.UTF8.GetBytes(statText))?.Field(22) ?? 0);   // starttime: a reused pid is another process
        ulong vsz = StatusFile.Parse(System.Text.Encoding.UTF8.GetBytes(statusText)).VmSize ?? 0;
        ulong rss = r.Rss ?? 0;
        if (start != _start) (_rssAtFull, _start) = (null, start);   // a new process (or the pid reused): classify it first
        bool full = _rssAtFull is not ulong before || ++_sinceFull >= fullEvery || Math.Abs((double)rss - before) > 0.05 * Math.Max(before, 1);
        IReadOnlyList<GroupOwner>? owners = null;
        IReadOnlyList<(string, double)>? figures = null;
        string? exe = null;
        if (full)
        {
            try
            {
                var analysis = Analyzer.Analyze(LiveProcess.Load(pid, proc), withFindings: false);
                exe = analysis.Snapshot.Exe;
                owners = OwnerSample.StableOwners(analysis);
                _rssAtFull = rss;
                _sinceFull = 0;
                figures = metrics is null ? null : Figures(metrics);
            }
            catch (MemlensException e) when (e.Code is ExitCode.NoSuchProcess or ExitCode.ProcessExited) { return null; }
        }
        var at = DateTimeOffset.Now;
        store.Add(pid, start, program, exe, at, vsz, rss, r.Pss ?? 0, r.Swap ?? 0, owners, figures);
        return new RecordedSample(0, pid, start, program, at, vsz, rss, r.Pss ?? 0, r.Swap ?? 0, owners is not null);
    }

    private IReadOnlyList<(string, double)>? Figures(string spec)
    {
        try
        {
            var page = MetricsSource.Load(spec);
            var figures = RecordedRuntimeFigures.From(page.Text, page.Source);
            MetricsProblem = figures.Count == 0 ? $"{spec}: no runtime sizes in the page (Go MemStats, or Prometheus gauges in bytes)" : null;
            return figures;
        }
        catch (MemlensException e)
        {
            MetricsProblem = e.Message;
            return null;
        }
    }
}
