using System.CommandLine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens elf BINARY`: sections grouped into the segments they load in, with the permissions each gets in maps.</summary>
internal static class ElfCommand
{
    private static readonly Argument<string> Binary = new("binary") { Description = "an ELF executable or shared library" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("elf", "sections and segments of a binary, and where each lands in a running process") { Binary };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Output.Emit(console, parse, ElfReportBuilder.Build(ElfInspection.Read(parse.GetValue(Binary)!)),
            Output.TextAndJson(() => ReportJsonContext.Default.ElfReport, (r, w) => TerminalElfWriter.Write(r, w, Output.Layout(console, parse))))));
        return command;
    }
}
