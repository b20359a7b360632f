using Memlens.Reporting.Exporters;
using Memlens.Reporting.Model;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using System.CommandLine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Csv;
using Memlens.Reporting.Html;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens report TARGET [--json]`: the whole explanation.</summary>
internal static class ReportCommand
{
    private static readonly Argument<string> Target = CommonOptions.Target();
    private static readonly Option<string[]> Metrics = CommonOptions.Metrics();
    private static readonly Option<string> Exe = new("--exe") { Description = "for a core dump: the executable, when it is not at the path the core names" };
    private static readonly Option<bool> Runtime = CommonOptions.Runtime();
    private static readonly Option<bool> AllOwners = new("--all-owners") { Description = "list every owner of each kind (default: the 8 largest, then a sum of the rest)" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("report", "explain where the target's memory goes: breakdown by owner, findings, reconciliation")
        {
            Target, AllOwners, Metrics, Runtime, Exe, CommonOptions.ProcRoot,
        };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse, parse.GetValue(Target)!,
            parse.GetValue(AllOwners), new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!), parse.GetValue(Metrics), parse.GetValue(Exe), parse.GetValue(Runtime))));
        return command;
    }

    public static int Run(CliConsole console, ParseResult parse, string target, bool allOwners, ProcRoot proc, string[]? metrics = null, string? exe = null, bool runtime = false)
    {
        if (File.Exists(target) && CoreSource.IsCore(target))
        {
            var loaded = CoreSource.Load(target, exe);
            var core = CoreReportBuilder.Build(loaded, Analyzer.Analyze(loaded.Snapshot));
            return Output.Emit(console, parse, core, Exporters(allOwners, Output.Layout(console, parse)));
        }
        var timings = new Timings(console.Error);
        var progress = Progress.For(console, $"reading the mappings of {target}");
        ProcessSnapshot snapshot;
        try { snapshot = TargetResolver.Load(target, proc, console.In, progress is null ? null : read => progress.Report(read, 0)); }
        finally { progress?.Done(); }
        if (runtime) snapshot = RuntimeQuestions.AddTo(snapshot);
        timings.Mark("read and parse");
        var analysis = Analyzer.Analyze(snapshot, CommonOptions.LoadMetrics(metrics));
        timings.Mark("classify, sum, check, explain");
        var report = ReportBuilder.Build(analysis);
        timings.Mark("project");
        Output.Emit(console, parse, report, Exporters(allOwners, Output.Layout(console, parse)));
        timings.Mark("write");
        return 0;
    }

    private static ExporterSet<Report> Exporters(bool allOwners, TerminalLayout layout) =>
        Output.TextJsonAndCsv(() => ReportWriteJsonContext.Default.Report, (r, w) => TerminalReportWriter.Write(r, w, allOwners ? int.MaxValue : 8, layout), CsvWriters.Report, HtmlReportWriter.Write);
}
