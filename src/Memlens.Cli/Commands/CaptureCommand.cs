using Memlens.Reporting.Model;
using Memlens.Reporting.Json;
using System.CommandLine;
using System.Globalization;
using Memlens.Core;
using Memlens.Core.Sources;

namespace Memlens.Cli.Commands;

/// <summary>`memlens capture PID -o DIR|FILE.tar.gz`: a portable snapshot to analyse elsewhere.</summary>
internal static class CaptureCommand
{
    private static readonly Argument<string> Target = new("pid") { Description = "the process to capture (a pid or a unique process name)" };
    private static readonly Option<string[]> Metrics = CommonOptions.Metrics();
    private static readonly Option<bool> Runtime = CommonOptions.Runtime();
    private static readonly Option<string> OutputPath = new("--output", "-o") { Description = "a new directory, or a file ending in .tar.gz", Required = true };

    public static Command Create(CliConsole console)
    {
        var command = new Command("capture", "save a snapshot of a process (the /proc files memlens reads, never the environment)")
        {
            Target, OutputPath, Metrics, Runtime, CommonOptions.ProcRoot, CommonOptions.Json, CommonOptions.Format,
        };
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse, parse.GetValue(Target)!, parse.GetValue(OutputPath)!, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!), parse.GetValue(Metrics), parse.GetValue(Runtime))));
        return command;
    }

    public static int Run(CliConsole console, ParseResult parse, string target, string output, ProcRoot proc, string[]? metrics = null, bool runtime = false)
    {
        int pid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : TargetResolver.ResolveName(target, proc);
        var result = Capture.Write(pid, output, proc, metrics, runtime ? RuntimeQuestions.AddTo : null);
        var report = new CaptureReport(CaptureReport.SchemaVersion, pid, result.Snapshot.DisplayName, result.Path, result.Files, result.Bytes, result.Snapshot.Warnings);
        // -o is the snapshot's own path here, so the summary always goes to standard output.
        return Output.Emit(console, parse, report, Output.TextAndJson(() => ReportJsonContext.Default.CaptureReport, (r, w) =>
        {
            w.WriteLine($"captured pid {r.Pid} ({r.Name}): {r.Files} files, {r.Bytes:N0} bytes → {r.Path}");
            foreach (var warning in r.Warnings) w.WriteLine($"  warning: {warning}");
        }));
    }
}
