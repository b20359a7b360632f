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
    private static readonly Option<string> OutputPath = new("--output", "-o") { Description = "a new directory, or a file ending in .tar.gz", Required = true };

    public static Command Create(CliConsole console)
    {
        var command = new Command("capture", "save a snapshot of a process (the /proc files memlens reads, never the environment)")
        {
            Target, OutputPath, Metrics, CommonOptions.ProcRoot,
        };
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Target)!, parse.GetValue(OutputPath)!, parse.GetValue(CommonOptions.ProcRoot)!, parse.GetValue(Metrics))));
        return command;
    }

    public static int Run(CliConsole console, string target, string output, string procRoot, string[]? metrics = null)
    {
        int pid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : TargetResolver.ResolveName(target, procRoot);
        var result = Capture.Write(pid, output, procRoot, metrics);
        console.Out.WriteLine($"captured pid {pid} ({result.Snapshot.DisplayName}): {result.Files} files, {result.Bytes:N0} bytes → {result.Path}");
        foreach (var w in result.Snapshot.Warnings) console.Out.WriteLine($"  warning: {w}");
        return (int)ExitCode.Ok;
    }
}
