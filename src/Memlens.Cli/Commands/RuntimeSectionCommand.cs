using System.CommandLine;
using Memlens.Core.Sources;

namespace Memlens.Cli.Commands;

/// <summary>The shell of `memlens jvm` and `memlens dotnet`: a target, --runtime, --proc, the output options.</summary>
internal static class RuntimeSectionCommand
{
    public delegate int Runner(CliConsole console, string target, bool runtime, ParseResult parse, ProcRoot proc);

    public static Command Create(CliConsole console, string name, string description, Runner run)
    {
        var target = CommonOptions.Target();
        var runtime = CommonOptions.Runtime();
        var command = new Command(name, description) { target, runtime, CommonOptions.ProcRoot };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => run(console, parse.GetValue(target)!, parse.GetValue(runtime), parse, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!))));
        return command;
    }
}
