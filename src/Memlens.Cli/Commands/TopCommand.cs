using System.CommandLine;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens top` (and `memlens` alone): every process, or grouped by program, user or cgroup.</summary>
internal static class TopCommand
{
    private static readonly Option<string> By = new("--by") { Description = "process (default), program, user or cgroup", DefaultValueFactory = _ => "process" };
    private static readonly Option<string> Sort = new("--sort") { Description = "pss (default), rss, uss, swap or vsz", DefaultValueFactory = _ => "pss" };
    private static readonly Option<int> Count = new("-n") { Description = "rows to show (default 20)", DefaultValueFactory = _ => 20 };

    public static Command Create(CliConsole console)
    {
        By.AcceptOnlyFromAmong("process", "program", "user", "cgroup");
        Sort.AcceptOnlyFromAmong("pss", "rss", "uss", "swap", "vsz");
        var command = new Command("top", "every process's VSZ, RSS, PSS, USS, swap and largest owner, reconciled with /proc/meminfo") { By, Sort, Count, CommonOptions.Json, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            int n = Math.Max(1, parse.GetValue(Count));
            var report = TopReportBuilder.Build(parse.GetValue(By)!, parse.GetValue(Sort)!, n, detail: Math.Min(n, 10), parse.GetValue(CommonOptions.ProcRoot)!);
            if (parse.GetValue(CommonOptions.Json)) Output.WriteJson(console, report, TopJsonContext.Default.TopReport);
            else TerminalTopWriter.Write(report, console.Out);
            return 0;
        }));
        return command;
    }
}
