using Memlens.Reporting.Html;
using System.CommandLine;
using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Core.Strace;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens strace LOG`: replay an strace -f log's memory calls; the address space at the end or at a moment.</summary>
internal static class StraceCommand
{
    private static readonly Argument<string> Log = new("log") { Description = "the output of strace -f (any of -t/-tt/-ttt/-r, -T, -y, -X, -k)" };
    private static readonly Option<string> At = new("--at") { Description = "stop at this line number or time (as the log prints it)" };
    private static readonly Option<int?> Pid = new("--pid") { Description = "only the process that holds this pid or thread id" };
    private static readonly Option<bool> Timeline = new("--timeline") { Description = "print VSZ and accessible bytes after every call that changed them" };
    private static readonly Option<bool> Regions = new("--regions") { Description = "list every region of the end state with its provenance" };
    private static readonly Option<string> With = new("--with") { Description = "line the end state up with a live pid or a snapshot of the same process" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("strace", "replay an strace -f log: who mapped what, per thread and per owner") { Log, At, Pid, Timeline, Regions, With };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Log)!, parse.GetValue(At), parse.GetValue(Pid), parse.GetValue(Timeline),
            parse.GetValue(Regions), parse.GetValue(With), parse)));
        return command;
    }

    public static int Run(CliConsole console, string log, string? at, int? pid, bool timeline, bool regions, string? with, ParseResult parse)
    {
        Action<StraceReplayer.TimelinePoint>? onPoint = null;
        bool text = Output.FormatOf(parse) == "text" && parse.GetValue(CommonOptions.OutputFile) is null;
        if (timeline && text)
        {
            console.Out.WriteLine("TIMELINE: line  time  pid  tid  call  ΔVSZ  VSZ  accessible");
            onPoint = p =>
            {
                if (pid is null || p.Pid == pid || p.Tid == pid)
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Line} {p.Time ?? "-"} {p.Pid} {p.Tid} {p.Call} {(p.Delta >= 0 ? "+" : "")}{p.Delta} {p.Virtual} {p.Committed}"));
            };
        }
        // A progress line on a terminal's stderr; not while the timeline itself is printed there line by line.
        var progress = timeline && text ? null : Progress.For(console, $"replaying {log}");
        StraceAnalysis analysis;
        try { analysis = StraceAnalysis.Run(log, at, onPoint, progress is null ? null : progress.Report); }
        finally { progress?.Done(); }
        var target = with is null ? null : TargetResolver.Load(with);
        var report = StraceReportBuilder.Build(analysis, pid, target);
        if (timeline && text) console.Out.WriteLine();
        return Output.Emit(console, parse, report, Output.TextJsonAndHtml(() => ReportJsonContext.Default.StraceReport, (r, w) => TerminalStraceWriter.Write(r, w, regions, Output.Layout(console, parse)), HtmlTablesWriter.Strace));
    }
}
