using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core;
using Memlens.Core.Sources;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens jvm TARGET`: the JVM section alone, from the perf-data file the JVM maps (read, never attached to).</summary>
internal static class JvmCommand
{
    public static Command Create(CliConsole console) => RuntimeSectionCommand.Create(console, "jvm", "a HotSpot JVM's own numbers (its perf-data counters) checked and set beside the kernel's", Run);

    public static int Run(CliConsole console, string target, bool runtime, ParseResult parse, ProcRoot proc)
    {
        var snapshot = TargetResolver.Load(target, proc, console.In);
        if (runtime) snapshot = JvmNativeMemory.AddTo(snapshot);
        var analysis = Analyzer.Analyze(snapshot);
        var p = analysis.Snapshot;
        if (!analysis.Runtimes.ContainsKey(Core.Runtimes.Jvm.JvmModule.ModuleName))
            throw new MemlensException(ExitCode.BadInput, $"{p.Exe ?? target} is not identified as a JVM: no libjvm.so is mapped, and neither the executable's name nor a metrics page says Java");
        if (analysis.Jvm is not { } jvm)
            throw new MemlensException(ExitCode.BadInput, $"{p.Exe ?? target} is a JVM, but its perf-data file (/tmp/hsperfdata_USER/{p.Pid}) could not be read: it was started with -XX:-UsePerfData or -XX:+PerfDisableSharedMem, or the snapshot did not save it; the layout alone is in `memlens report`");
        return Output.Emit(console, parse, jvm, Output.TextAndJson(() => ReportJsonContext.Default.JvmRuntimeSection, (j, w) =>
        {
            var layout = Output.Layout(console, parse);
            Text.WriteLine(w, $"memlens jvm: {p.Comm ?? (p.Exe is null ? "?" : Path.GetFileName(p.Exe))} (pid {p.Pid}), {p.Source}", layout);
            w.WriteLine();
            TerminalJvmWriter.Write(j, w, layout);
        }));
    }
}
