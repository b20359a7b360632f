using Memlens.Reporting.Html;
using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens diff A B`: two snapshots (or a pid now vs a snapshot), owner by owner.</summary>
internal static class DiffCommand
{
    private static readonly Argument<string> Before = new("before") { Description = "a snapshot, or a pid (read now)" };
    private static readonly Argument<string> After = new("after") { Description = "a snapshot, or a pid (read now)" };
    private static readonly Option<bool> Same = new("--all") { Description = "also list owners that did not change" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("diff", "what appeared, vanished, grew or shrank between two moments, per owner and per region") { Before, After, Same };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var report = ChangeReportBuilder.Diff(Analyzer.Analyze(TargetResolver.Load(parse.GetValue(Before)!, stdin: console.In)), Analyzer.Analyze(TargetResolver.Load(parse.GetValue(After)!, stdin: console.In)), parse.GetValue(Same));
            return Output.Emit(console, parse, report, Output.TextJsonAndHtml(() => ReportJsonContext.Default.DiffReport, (r, w) => TerminalChangeWriter.WriteDiff(r, w, layout: Output.Layout(console, parse)), HtmlTablesWriter.Diff));
        }));
        return command;
    }
}
