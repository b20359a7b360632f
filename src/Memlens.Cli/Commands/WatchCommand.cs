using Memlens.Reporting.Model;
using Memlens.Core.Analysis;
using Memlens.Core.History;
using Memlens.Reporting.Exporters;
using Memlens.Reporting.Html;
using System.CommandLine;
using System.Globalization;
using Memlens.Core;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Cli.Commands;

/// <summary>
/// `memlens watch PID`: samples the process and shows the owners that changed since the start and since the last
/// sample. For a process with many mappings only smaps_rollup (totals) is read between full reads, to bound the cost.
/// </summary>
internal static class WatchCommand
{
    public const int HugeRegions = 20_000;
    public const int FullReadEvery = 10;
    private static readonly Argument<string> Target = new("pid") { Description = "the process to watch (pid or unique name)" };
    private static readonly Option<string> Interval = new("--interval") { Description = "time between samples: 500ms, 2s, 1m (default 2s)", DefaultValueFactory = _ => "2s" };
    private static readonly Option<int?> Count = new("--count") { Description = "stop after this many samples (default: until interrupted)" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("watch", "live: the owners that change, since the start and since the last sample") { Target, Interval, Count };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Target)!, parse.GetValue(Interval)!, parse.GetValue(Count), parse)));
        return command;
    }

    public static int Run(CliConsole console, string target, string intervalText, int? count, ParseResult parse)
    {
        var interval = ParseInterval(intervalText);
        if (count is < 1) throw new MemlensException(ExitCode.Usage, $"--count {count}: give at least 1 sample");
        int pid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : TargetResolver.ResolveName(target);
        bool tty = !Console.IsOutputRedirected && console.Out == Console.Out && Output.FormatOf(parse) == "text" && parse.GetValue(CommonOptions.OutputFile) is null;
        var exporters = Output.TextAndJson(() => ReportJsonContext.Default.WatchSample, TerminalWatchWriter.Write);
        // HTML is one page at the end: the samples' RSS by kind as a stacked chart, and what changed since the first.
        bool page = Output.FormatOf(parse) == "html";
        if (page && count is null) throw new MemlensException(ExitCode.Usage, "--format html writes one page when watching ends: give --count N");
        var kinds = new List<KindSample>();
        ProcessAnalysis? first = null, last = null;
        string? ended = null;
        for (int sample = 1; count is null || sample <= count; sample++)
        {
            if (sample > 1) Thread.Sleep(interval);
            bool huge = !page && last is not null && last.Regions.Count > HugeRegions && sample % FullReadEvery != 0;
            if (huge)
            {
                var rollup = LiveProcess.Rollup(pid) ?? throw new MemlensException(ExitCode.ProcessExited, $"process {pid} exited");
                Output.Emit(console, parse, new WatchSample(WatchSample.SchemaVersion, sample, DateTimeOffset.Now, pid, last!.Snapshot.DisplayName, WatchSample.RollupOnly,
                    rollup.Rss, rollup.Pss, rollup.Swap, null, null, $"smaps_rollup only: {last.Regions.Count:N0} mappings; full read every {FullReadEvery} samples"), exporters);
                continue;
            }
            ProcessAnalysis now;
            try { now = Analyzer.Analyze(LiveProcess.Load(pid), withFindings: false); }
            catch (MemlensException e) when (first is not null && e.Code is ExitCode.NoSuchProcess or ExitCode.ProcessExited)
            {
                ended = $"process {pid} exited after {sample - 1} sample(s)";
                if (page) break;
                console.Out.WriteLine(ended);
                return 0;
            }
            first ??= now;
            if (page)
            {
                kinds.Add(new KindSample(DateTimeOffset.Now, now.Breakdown.Kinds.ToDictionary(k => k.Kind, k => k.Figures.Rss ?? 0)));
                last = now;
                continue;
            }
            if (tty) console.Out.Write("\u001b[H\u001b[2J");   // update in place on a terminal
            var sinceStart = ChangeReportBuilder.Diff(first, now);
            var sinceLast = last is null ? null : ChangeReportBuilder.Diff(last, now);
            var total = sinceStart.TotalAfter;
            Output.Emit(console, parse, new WatchSample(WatchSample.SchemaVersion, sample, DateTimeOffset.Now, pid, now.Snapshot.DisplayName, WatchSample.Full,
                total.Rss, total.Pss, total.Swap, sinceStart, sinceLast, null), exporters);
            console.Out.Flush();
            last = now;
        }
        if (page && first is not null)
            return Output.Emit(console, parse, new WatchPage(first.Snapshot.DisplayName, pid, kinds, ChangeReportBuilder.Diff(first, last!), ended),
                new ExporterSet<WatchPage>(new TextExporter<WatchPage>(HtmlTablesWriter.Watch, "html")));
        return 0;
    }

    public static TimeSpan ParseInterval(string text)
    {
        string t = text.Trim();
        (string number, double scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001) : t.EndsWith('s') ? (t[..^1], 1) : t.EndsWith('m') ? (t[..^1], 60) : (t, 1);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0 || v * scale > 86400)
            throw new MemlensException(ExitCode.Usage, $"--interval {text}: give a duration such as 500ms, 2s or 1m");
        return TimeSpan.FromSeconds(v * scale);
    }
}

/// <summary>For tests: the interval parser.</summary>
public static class WatchCommandAccess
{
    public static TimeSpan Parse(string text) => WatchCommand.ParseInterval(text);
}
