using Memlens.Reporting.Model;
using Memlens.Reporting.Json;
using System.CommandLine;
using Memlens.Core;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Dotnet;
using Memlens.Core.Runtimes.Jvm;

namespace Memlens.Cli.Commands;

/// <summary>`memlens explain NAME`: what a Go memory metric counts, its identity, and what it leaves out.</summary>
internal static class ExplainCommand
{
    private static readonly Argument<string> Name = new("metric") { Description = "a MemStats field (HeapIdle), a Prometheus metric (go_memstats_heap_idle_bytes), a runtime/metrics name (/memory/classes/heap/free:bytes), a JVM perf-data counter (sun.gc.generation.1.capacity), an NMT category (\"Java Heap\"), a .NET counter (gc-committed), meter instrument (dotnet.gc.pause.time) or GC setting (GCHeapHardLimit)" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("explain", "what a Go, JVM or .NET memory metric counts, which identity it sits in, and what it does not include") { Name };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Output.Emit(console, parse, Explain(parse.GetValue(Name)!),
            Output.TextAndJson(() => ReportJsonContext.Default.ExplainReport, Write))));
        return command;
    }

    public static ExplainReport Explain(string name)
    {
        if (GoMetricsGlossary.Find(name) is null && JvmGlossary.Find(name) is { } j)
            return new ExplainReport(ExplainReport.SchemaVersion, name.Trim(), j.Field, null, j.Prometheus, j.Jmx, j.Counts, j.Identity, j.Excludes, "jvm");
        if (GoMetricsGlossary.Find(name) is null && DotnetGlossary.Find(name) is { } d)
            return new ExplainReport(ExplainReport.SchemaVersion, name.Trim(), d.Field, null, null, d.Meter, d.Counts, d.Identity, d.Excludes, "dotnet") { Api = d.Api };
        var e = GoMetricsGlossary.Find(name)
            ?? throw new MemlensException(ExitCode.Usage, $"'{name}' is not a memory metric memlens knows (try a runtime.MemStats field such as HeapIdle, a JVM perf-data counter such as sun.gc.generation.1.capacity, an NMT category such as \"Java Heap\", or a .NET counter such as gc-committed)");
        bool isPart = e.RuntimeMetric is not null && e.RuntimeMetric.Contains(" + ", StringComparison.Ordinal) && e.RuntimeMetric.Split(" + ").Contains(name.Trim());
        return new ExplainReport(ExplainReport.SchemaVersion, name.Trim(), e.Field, isPart ? e.RuntimeMetric : null, e.Prometheus, e.RuntimeMetric, e.Counts, e.Identity, e.Excludes);
    }

    private static void Write(ExplainReport e, TextWriter w)
    {
        if (e.Runtime == "jvm")
        {
            w.WriteLine(e.Field.StartsWith("NMT ", StringComparison.Ordinal) ? $"Native Memory Tracking category \"{e.Field[4..]}\" (HotSpot)" : $"{e.Field} (HotSpot perf-data counter, as jstat reads it)");
            if (e.Prometheus is not null) w.WriteLine($"  Prometheus (Micrometer, JMX exporter): {e.Prometheus}");
            if (e.RuntimeMetric is not null) w.WriteLine($"  JMX:                                   {e.RuntimeMetric}");
        }
        else if (e.Runtime == "dotnet")
        {
            bool setting = e.Field is "GCHeapHardLimit" or "gcServer";
            w.WriteLine(setting ? $"{e.Field} (.NET GC setting: DOTNET_{e.Field}, or System.GC.* in runtimeconfig.json)" : $"{e.Field} (.NET System.Runtime counter, as dotnet-counters shows it)");
            if (e.RuntimeMetric is not null) w.WriteLine($"  System.Runtime meter (.NET 9+): {e.RuntimeMetric}");
            if (e.Api is not null) w.WriteLine($"  .NET API:                       {e.Api}");
        }
        else
        {
            if (e.PartOf is not null) w.WriteLine($"{e.Asked} is one part of runtime.MemStats.{e.Field} = {e.PartOf}");
            w.WriteLine($"runtime.MemStats.{e.Field}");
            if (e.Prometheus is not null) w.WriteLine($"  Prometheus (client_golang): {e.Prometheus}");
            if (e.RuntimeMetric is not null) w.WriteLine($"  runtime/metrics:            {e.RuntimeMetric}");
        }
        w.WriteLine($"  counts:   {e.Counts}");
        w.WriteLine($"  identity: {e.Identity}");
        w.WriteLine($"  excludes: {e.Excludes}");
    }
}
