using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core;
using Memlens.Core.Sources;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens dotnet TARGET [--runtime]`: the .NET section alone; the GC's own figures only when asked for.</summary>
internal static class DotnetCommand
{
    public static Command Create(CliConsole console) => RuntimeSectionCommand.Create(console, "dotnet", "a .NET process's GC and runtime figures (with --runtime, from the runtime itself) checked and set beside the kernel's", Run);

    public static int Run(CliConsole console, string target, bool runtime, ParseResult parse, ProcRoot proc)
    {
        var snapshot = TargetResolver.Load(target, proc, console.In);
        if (!DotnetRuntimeCounters.IsCoreClr(snapshot))
            throw new MemlensException(ExitCode.BadInput, $"{snapshot.Exe ?? target} is not identified as a .NET process: no libcoreclr.so is mapped");
        if (runtime) snapshot = DotnetRuntimeCounters.AddTo(snapshot);
        var analysis = Analyzer.Analyze(snapshot);
        var p = analysis.Snapshot;
        var section = analysis.Dotnet ?? throw new MemlensException(ExitCode.BadInput, $"{p.Exe ?? target} is not identified as a .NET process");
        return Output.Emit(console, parse, section, Output.TextAndJson(() => ReportJsonContext.Default.DotnetRuntimeSection, (d, w) =>
        {
            var layout = Output.Layout(console, parse);
            Text.WriteLine(w, $"memlens dotnet: {p.Comm ?? (p.Exe is null ? "?" : Path.GetFileName(p.Exe))} (pid {p.Pid}), {p.Source}", layout);
            w.WriteLine();
            TerminalDotnetWriter.Write(d, w, layout);
        }));
    }
}
