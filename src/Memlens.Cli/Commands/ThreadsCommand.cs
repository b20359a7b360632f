using Memlens.Reporting.Html;
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
        var command = new Command("threads", "every thread: its stack range, size, resident part and guard") { Target, CommonOptions.ProcRoot };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var report = ChangeReportBuilder.Threads(Analyzer.Analyze(TargetResolver.Load(parse.GetValue(Target)!, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!), console.In)));
            return Output.Emit(console, parse, report, Output.TextJsonAndHtml(() => ReportJsonContext.Default.ThreadsReport, (r, w) => TerminalChangeWriter.WriteThreads(r, w, Output.Layout(console, parse)), HtmlTablesWriter.Threads));
        }));
        return command;
    }
}
