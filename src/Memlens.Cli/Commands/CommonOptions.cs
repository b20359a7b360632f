using System.CommandLine;

namespace Memlens.Cli.Commands;

internal static class CommonOptions
{
    public static Argument<string> Target() => new("target") { Description = "a pid, a process name, a snapshot (directory or .tar.gz), a core dump, a file of pasted /proc text, or - to read that text from standard input" };

    public static readonly Option<bool> Json = new("--json") { Description = "machine-readable output (docs/json.md); the same as --format json" };

    public static readonly Option<string> Format = new("--format") { Description = "text (default) or json; csv for report (its owners), maps and top; html for report, top, threads, diff, strace and cgroup (one self-contained page)" };

    public static readonly Option<string> OutputFile = new("--output", "-o") { Description = "write to this file (whole or not at all) instead of standard output" };

    public static readonly Option<bool> Wide = new("--wide") { Description = "every column, however narrow the terminal" };

    public static readonly Option<string> Color = Choices(new("--color") { Description = "auto (default: on a terminal, unless NO_COLOR is set), always or never", DefaultValueFactory = _ => "auto" },
        "auto", "always", "never");

    private static Option<string> Choices(Option<string> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>--json, --format and -o: every command that prints a report has them.</summary>
    public static void AddOutput(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Format);
        command.Options.Add(OutputFile);
        command.Options.Add(Wide);
        command.Options.Add(Color);
    }

    public static Option<string[]> Metrics() => new("--metrics")
    {
        Description = "a Go runtime metrics page: URL or file of /debug/pprof/heap?debug=1, expvar /debug/vars, or Prometheus text (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>--runtime: ask the runtime itself (it does work for it); memlens otherwise only reads.</summary>
    public static Option<bool> Runtime() => new("--runtime")
    {
        Description = "also ask the process's runtime for its own figures: .NET through its diagnostic port (an EventPipe session of about two seconds), a JVM for its Native Memory Tracking summary (jcmd); without it memlens only reads",
    };

    public static IReadOnlyList<(string, string)> LoadMetrics(string[]? specs) =>
        (specs ?? []).Select(s => Memlens.Core.Sources.MetricsSource.Load(s)).Select(p => (p.Source, p.Text)).ToList();

    /// <summary>Hidden: read another /proc (tests, chroots).</summary>
    public static readonly Option<string> ProcRoot = new("--proc-root") { Description = "the procfs mount to read", DefaultValueFactory = _ => "/proc", Hidden = true };
}
