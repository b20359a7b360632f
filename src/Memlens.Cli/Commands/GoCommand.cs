using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens go TARGET [--metrics …]`: the Go runtime section alone.</summary>
internal static class GoCommand
{
    private static readonly Argument<string> Target = CommonOptions.Target();
    private static readonly Option<string[]> Metrics = CommonOptions.Metrics();

    public static Command Create(CliConsole console)
    {
        var command = new Command("go", "the Go runtime's own numbers (MemStats) checked and set beside the kernel's")
        {
            Target, Metrics, CommonOptions.ProcRoot,
        };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Target)!, parse.GetValue(Metrics), parse, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!))));
        return command;
    }

    public static int Run(CliConsole console, string target, string[]? metrics, ParseResult parse, ProcRoot proc)
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(TargetResolver.Load(target, proc, console.In), CommonOptions.LoadMetrics(metrics)));
        if (report.Go is null)
            throw new MemlensException(ExitCode.BadInput, $"{report.Process.Exe ?? target} is not identified as a Go process: the executable has no Go build info (.go.buildinfo, .note.go.buildid, .gopclntab), no metrics page has Go runtime metrics, and no mapping sits at a Go heap-arena hint address");
        var p = report.Process;
        return Output.Emit(console, parse, report.Go, Output.TextAndJson(() => ReportJsonContext.Default.GoReport, (go, w) =>
        {
            var layout = Output.Layout(console, parse);
            Text.WriteLine(w, $"memlens go: {p.Comm ?? (p.Exe is null ? "?" : Path.GetFileName(p.Exe))} (pid {p.Pid}), {p.Source}", layout);
            w.WriteLine();
            TerminalGoWriter.Write(go, w, layout);
        }));
    }
}
