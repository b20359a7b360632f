using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens threads TARGET`: one row per thread with its stack.</summary>
internal static class ThreadsCommand
{
    private static readonly Argument<string> Target = CommonOptions.Target();

    public static Command Create(CliConsole console)
    {
        var command = new Command("threads", "every thread: its stack range, size, resident part and guard") { Target, CommonOptions.Json, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var report = ChangeReportBuilder.Threads(Analyzer.Analyze(TargetResolver.Load(parse.GetValue(Target)!, parse.GetValue(CommonOptions.ProcRoot)!, console.In)));
            if (parse.GetValue(CommonOptions.Json))
                Output.WriteJson(console, report, ReportJsonContext.Default.ThreadsReport);
            else TerminalChangeWriter.WriteThreads(report, console.Out);
            return 0;
        }));
        return command;
    }
}
