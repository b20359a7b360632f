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
    private static readonly Argument<string?> Target = new("target") { Description = "a pid, or a program's name (a restarted process of it continues the series)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Cgroup = new("--cgroup") { Description = "record every process of this cgroup directory, each under its own name, as the cgroup holds them at each interval" };
    private static readonly Option<string?> RecordMetrics = new("--metrics") { Description = "the recorded process's metrics page (URL or file: Go's /debug/pprof/heap?debug=1, expvar, or Prometheus text), read at each classified sample: its runtime's own sizes over time" };
    private static readonly Option<string?> MinPss = new("--min-pss") { Description = "record every process whose PSS is at least this size (100M, 2G), each under its own name" };
    private static readonly Option<string?> Db = new("--db") { Description = $"the history file (default {HistoryStore.DefaultPath()})" };
    private static readonly Option<string> Interval = new("--interval") { Description = "time between samples (default 10s)", DefaultValueFactory = _ => "10s" };
    private static readonly Option<int?> Count = new("--count") { Description = "stop after this many samples (default: until interrupted)" };
    private static readonly Option<int> FullEvery = new("--full-every") { Description = "classify owner by owner every N samples, and whenever RSS moved 5% (default 6)", DefaultValueFactory = _ => 6 };
    private static readonly Option<string> Keep = new("--keep") { Description = "drop samples older than this (default 30d); older than a day they are thinned to one a minute, older than a week to one an hour", DefaultValueFactory = _ => "30d" };
    public const int ThinEvery = 360;
    private static readonly Argument<string?> HistoryTarget = new("target") { Description = "a program's name, or a pid, as recorded (none: the programs the file holds)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> HistoryDb = new("--db") { Description = $"the history file (default {HistoryStore.DefaultPath()})" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("record", "sample a process's owners over time into a history file (SQLite), for memlens history") { Target, Cgroup, MinPss, RecordMetrics, Db, Interval, Count, FullEvery, Keep, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            var interval = WatchCommand.ParseInterval(parse.GetValue(Interval)!);
            int? count = parse.GetValue(Count);
            int fullEvery = parse.GetValue(FullEvery);
            if (count is < 1) throw new MemlensException(ExitCode.Usage, $"--count {count}: give at least 1 sample");
            if (fullEvery < 1) throw new MemlensException(ExitCode.Usage, $"--full-every {fullEvery}: give at least 1");
            var proc = new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!);
            var selection = Selection(parse.GetValue(Target), parse.GetValue(Cgroup), parse.GetValue(MinPss));
            string? metrics = parse.GetValue(RecordMetrics);
            if (selection is not null && metrics is not null)
                throw new MemlensException(ExitCode.Usage, "--metrics is one process's page: give it with a pid or a name, not with --cgroup or --min-pss");
            if (selection is not null)
                return RecordSelection(console, selection, proc, parse.GetValue(Db) ?? HistoryStore.DefaultPath(), KeepFor(parse.GetValue(Keep)!), interval, count, fullEvery);
            string target = parse.GetValue(Target)!;
            bool byPid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int pid);
            if (!byPid) pid = TargetResolver.ResolveName(target, proc);
            string program = byPid ? proc.ProcessText(pid, "comm")?.Trim() ?? throw new MemlensException(ExitCode.NoSuchProcess, $"no process with pid {pid}") : target;
            string db = parse.GetValue(Db) ?? HistoryStore.DefaultPath();
            using var store = HistoryStore.Open(db, create: true);
            var keep = KeepFor(parse.GetValue(Keep)!);
            var recorder = new Recorder(store, proc, fullEvery, metrics);
            int written = 0;
            string? lastProblem = null;
            for (int i = 1; count is null || i <= count; i++)
            {
                if (i > 1) Thread.Sleep(interval);
                if (i % ThinEvery == 1) store.Thin(DateTimeOffset.Now, keep);
                var sample = recorder.Sample(pid, program);
                if (sample is null)
                {
                    // A process of the program by name may be restarted: the next one continues the series.
                    if (byPid) { console.Out.WriteLine($"process {pid} exited after {written} sample(s)"); break; }
                    try { pid = TargetResolver.ResolveName(target, proc); recorder = new Recorder(store, proc, fullEvery, metrics); }
                    catch (MemlensException) { console.Out.WriteLine($"no process named {target} at {DateTime.Now:HH:mm:ss}; waiting for one"); }
                    continue;
                }
                written++;
                if (recorder.MetricsProblem is { } problem && problem != lastProblem) console.Error.WriteLine($"memlens: {problem}");
                lastProblem = recorder.MetricsProblem;
                console.Out.WriteLine($"sample {written} at {sample.At:HH:mm:ss}: pid {sample.Pid} RSS {Text.Size(sample.Rss)} PSS {Text.Size(sample.Pss)}{(sample.Full ? ", owners classified" : "")}");
                console.Out.Flush();
            }
            console.Out.WriteLine($"{written} sample(s) of {program} in {db}");
            return 0;
        }));
        return command;
    }

    /// <summary>--cgroup or --min-pss (null: one target, by pid or name); exactly one way of choosing is given.</summary>
    private static RecordSelection? Selection(string? target, string? cgroup, string? minPss)
    {
        int given = (target is null ? 0 : 1) + (cgroup is null ? 0 : 1) + (minPss is null ? 0 : 1);
        if (given != 1)
            throw new MemlensException(ExitCode.Usage, given == 0 ? "record what? give a pid or a name, --cgroup DIR, or --min-pss SIZE" : "give one of: a pid or a name, --cgroup DIR, --min-pss SIZE");
        if (cgroup is not null) return CgroupSelection.Of(cgroup);
        if (minPss is not null)
            return Memlens.Core.Model.Bytes.ParseSize(minPss) is ulong threshold and > 0 ? new PssSelection(threshold)
                : throw new MemlensException(ExitCode.Usage, $"--min-pss {minPss}: give a size such as 100M or 2G");
        return null;
    }

    private static int RecordSelection(CliConsole console, RecordSelection selection, ProcRoot proc, string db, TimeSpan keep, TimeSpan interval, int? count, int fullEvery)
    {
        using var store = HistoryStore.Open(db, create: true);
        var recorder = new SelectionRecorder(store, proc, fullEvery, selection);
        int intervals = 0;
        for (int i = 1; count is null || i <= count; i++)
        {
            if (i > 1) Thread.Sleep(interval);
            if (i % ThinEvery == 1) store.Thin(DateTimeOffset.Now, keep);
            var (processes, rss, classified) = recorder.Sample();
            intervals++;
            console.Out.WriteLine($"sample {i} at {DateTime.Now:HH:mm:ss}: {processes} process(es) of {selection.Describe}, RSS {Text.Size(rss)} together, {classified} classified");
            console.Out.Flush();
        }
        console.Out.WriteLine($"{intervals} interval(s) of {selection.Describe} in {db}; `memlens history NAME` shows each program");
        return 0;
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
            string? target = parse.GetValue(HistoryTarget);
            string file = parse.GetValue(HistoryDb) ?? HistoryStore.DefaultPath();
            using var store = HistoryStore.Open(file, create: false);
            if (target is null)
                return Output.Emit(console, parse, new HistoryIndex(HistoryIndex.SchemaVersion, file, store.Programs()),
                    Output.TextAndJson(() => HistoryJsonContext.Default.HistoryIndex, TerminalHistoryWriter.Write));
            var samples = store.Samples(target);
            var full = samples.Where(s => s.Full).Select(s => s.Id).ToList();
            var report = LeakVerdicts.Build(target, samples, store.Owners(full), store.Figures(full));
            return Output.Emit(console, parse, report, Output.TextJsonAndHtml(() => HistoryJsonContext.Default.HistoryReport, TerminalHistoryWriter.Write, Memlens.Reporting.Html.HtmlHistoryWriter.Write));
        }));
        return command;
    }
}
