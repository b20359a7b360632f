using Memlens.Reporting.Html;
using System.CommandLine;
using Memlens.Core;
using Memlens.Core.Cgroups;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens cgroup [PID | CGROUP-DIR | SNAPSHOT]`: the cgroup's own accounting against its processes.</summary>
internal static class CgroupCommand
{
    private static readonly Argument<string?> Target = new("target") { Description = "a pid (default: memlens's own), a cgroup directory, or a snapshot with cgroup.d/", Arity = ArgumentArity.ZeroOrOne };

    public static Command Create(CliConsole console)
    {
        var command = new Command("cgroup", "a memory cgroup's accounting (v1 or v2) beside its processes' RSS, with the identities and headroom") { Target, CommonOptions.ProcRoot };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var report = CgroupReportBuilder.Build(CgroupTarget.Load(parse.GetValue(Target), new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!)));
            return Output.Emit(console, parse, report, Output.TextJsonAndHtml(() => ReportJsonContext.Default.CgroupReport, (r, w) => TerminalCgroupWriter.Write(r, w, layout: Output.Layout(console, parse)), HtmlTablesWriter.Cgroup));
        }));
        return command;
    }
}
