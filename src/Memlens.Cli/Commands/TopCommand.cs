using Memlens.Reporting.Html;
using Memlens.Core.Machine;
using Memlens.Core.Sources;
using System.CommandLine;
using Memlens.Core;
using Memlens.Reporting;
using Memlens.Reporting.Csv;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens top` (and `memlens` alone): every process, or grouped by program, user or cgroup.</summary>
internal static class TopCommand
{
    private static readonly Option<string> By = new("--by") { Description = "process (default), program, user or cgroup", DefaultValueFactory = _ => "process" };
    private static readonly Option<string> Sort = new("--sort") { Description = "pss (default), rss, uss, swap or vsz", DefaultValueFactory = _ => "pss" };
    private static readonly Option<int> Count = new("-n") { Description = "rows to show (default 20)", DefaultValueFactory = _ => 20 };
    private static readonly Option<string?> Interval = new("--interval") { Description = "sweep again after this long (500ms, 2s, 1m): one process, warm, for every refresh" };
    private static readonly Option<int?> Refreshes = new("--count") { Description = "stop after this many sweeps (default with --interval: until interrupted; alone: every 2s)" };

    public static Command Create(CliConsole console)
    {
        By.AcceptOnlyFromAmong("process", "program", "user", "cgroup");
        Sort.AcceptOnlyFromAmong("pss", "rss", "uss", "swap", "vsz");
        var command = new Command("top", "every process's VSZ, RSS, PSS, USS, swap and largest owner, reconciled with /proc/meminfo") { By, Sort, Count, Interval, Refreshes, CommonOptions.ProcRoot };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () =>
        {
            int n = parse.GetValue(Count);
            if (n < 1) throw new MemlensException(ExitCode.Usage, $"-n {n}: give at least 1 row");
            string? intervalText = parse.GetValue(Interval);
            int? refreshes = parse.GetValue(Refreshes);
            // --count alone sweeps at watch's default interval.
            var interval = intervalText is not null ? WatchCommand.ParseInterval(intervalText) : refreshes is not null ? TimeSpan.FromSeconds(2) : (TimeSpan?)null;
            if (refreshes is < 1) throw new MemlensException(ExitCode.Usage, "--count: give at least 1");
            int total = interval is null ? 1 : refreshes ?? int.MaxValue;
            var timings = new Timings(console.Error);
            for (int i = 1; i <= total; i++)
            {
                var report = TopReportBuilder.Build(MachineAnalysis.Run(parse.GetValue(By)!, parse.GetValue(Sort)!, n, detail: Math.Min(n, 10), new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!)), parse.GetValue(By)!, parse.GetValue(Sort)!);
                // With --interval and --json, one report a line (JSON Lines); with -o the file holds the latest sweep.
                int sweep = i;
                Output.Emit(console, parse, report, Output.TextJsonAndCsv(() => TopJsonContext.Default.TopReport, (r, w) =>
                {
                    if (interval is not null) w.WriteLine($"— sweep {sweep} at {DateTime.Now:HH:mm:ss}");
                    TerminalTopWriter.Write(r, w, Output.Layout(console, parse));
                }, CsvWriters.Top, HtmlTablesWriter.Top));
                console.Out.Flush();
                timings.Mark($"sweep {i}");
                if (i < total) Thread.Sleep(interval!.Value);
            }
            return 0;
        }));
        return command;
    }
}
