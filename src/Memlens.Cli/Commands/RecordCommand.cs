using System.CommandLine;
using System.Globalization;
using Memlens.Core;
using Memlens.Core.History;
using Memlens.Core.Sources;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens record` samples a process into a history file; `memlens history` reads it back with leak verdicts.</summary>
internal static class RecordCommand
{
    private static readonly Argument<string> Target = new("target") { Description = "a pid, or a program's name (a restarted process of it continues the series)" };
    private static readonly Option<string?> Db = new("--db") { Description = $"the history file (default {HistoryStore.DefaultPath()})" };
    private static readonly Option<string> Interval = new("--interval") { Description = "time between samples (default 10s)", DefaultValueFactory = _ => "10s" };
    private static readonly Option<int?> Count = new("--count") { Description = "stop after this many samples (default: until interrupted)" };
    private static readonly Option<int> FullEvery = new("--full-every") { Description = "classify owner by owner every N samples, and whenever RSS moved 5% (default 6)", DefaultValueFactory = _ => 6 };
    private static readonly Option<string> Keep = new("--keep") { Description = "drop samples older than this (default 30d); older than a day they are thinned to one a minute, older than a week to one an hour", DefaultValueFactory = _ => "30d" };
    public const int ThinEvery = 360;
    private static readonly Argument<string> HistoryTarget = new("target") { Description = "a program's name, or a pid, as recorded" };
    private static readonly Option<string?> HistoryDb = new("--db") { Description = $"the history file (default {HistoryStore.DefaultPath()})" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("record", "sample a process's owners over time into a history file (SQLite), for memlens history") { Target, Db, Interval, Count, FullEvery, Keep, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var interval = WatchCommand.ParseInterval(parse.GetValue(Interval)!);
            int? count = parse.GetValue(Count);
            int fullEvery = parse.GetValue(FullEvery);
            if (count is < 1) throw new MemlensException(ExitCode.Usage, $"--count {count}: give at least 1 sample");
            if (fullEvery < 1) throw new MemlensException(ExitCode.Usage, $"--full-every {fullEvery}: give at least 1");
            var proc = new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!);
            string target = parse.GetValue(Target)!;
            bool byPid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int pid);
            if (!byPid) pid = TargetResolver.ResolveName(target, proc);
            string program = byPid ? proc.ProcessText(pid, "comm")?.Trim() ?? throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}") : target;
            string db = parse.GetValue(Db) ?? HistoryStore.DefaultPath();
            using var store = HistoryStore.Open(db, create: true);
            var keep = KeepFor(parse.GetValue(Keep)!);
            var recorder = new Recorder(store, proc, fullEvery);
            int written = 0;
            for (int i = 1; count is null || i <= count; i++)
            {
                if (i > 1) Thread.Sleep(interval);
                if (i % ThinEvery == 1) store.Thin(DateTimeOffset.Now, keep);
                var sample = recorder.Sample(pid, program);
                if (sample is null)
                {
                    // A process of the program by name may be restarted: the next one continues the series.
                    if (byPid) { console.Out.WriteLine($"process {pid} exited after {written} sample(s)"); break; }
                    try { pid = TargetResolver.ResolveName(target, proc); recorder = new Recorder(store, proc, fullEvery); }
                    catch (MemlensException) { console.Out.WriteLine($"no process named {target} at {DateTime.Now:HH:mm:ss}; waiting for one"); }
                    continue;
                }
                written++;
                console.Out.WriteLine($"sample {written} at {sample.At:HH:mm:ss}: pid {sample.Pid} RSS {Text.Size(sample.Rss)} PSS {Text.Size(sample.Pss)}{(sample.Full ? ", owners classified" : "")}");
                console.Out.Flush();
            }
            console.Out.WriteLine($"{written} sample(s) of {program} in {db}");
            return 0;
        }));
        return command;
    }

    /// <summary>"30d", "12h", "90m": at least a day, so that thinning to one sample a minute has a day of full samples before it.</summary>
    private static TimeSpan KeepFor(string text)
    {
        var span = text.Length > 1 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? text[^1] switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => (TimeSpan?)null }
            : null;
        return span is { } s && s >= TimeSpan.FromDays(1) ? s : throw new MemlensException(ExitCode.Usage, $"--keep {text}: give a span of at least a day (30d, 48h)");
    }

    public static Command History(CliConsole console)
    {
        var command = new Command("history", "owners over time from memlens record, with leak verdicts (steady growth, step, sawtooth, reservation only)") { HistoryTarget, HistoryDb };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () =>
        {
            string target = parse.GetValue(HistoryTarget)!;
            using var store = HistoryStore.Open(parse.GetValue(HistoryDb) ?? HistoryStore.DefaultPath(), create: false);
            var samples = store.Samples(target);
            var report = LeakVerdicts.Build(target, samples, store.Owners(samples.Where(s => s.Full).Select(s => s.Id)));
            return Output.Emit(console, parse, report, Output.TextJsonAndHtml(HistoryJsonContext.Default.HistoryReport, TerminalHistoryWriter.Write, Memlens.Reporting.Html.HtmlHistoryWriter.Write));
        }));
        return command;
    }
}
