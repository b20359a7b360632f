using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Memlens.Cli.Serve;
using Memlens.Core;
using Memlens.Core.Sources;
using Memlens.Reporting.Prometheus;

namespace Memlens.Cli.Commands;

/// <summary>`memlens exporter`: the owners of the largest process groups for Prometheus, over HTTP or as a textfile.</summary>
internal static class ExporterCommand
{
    private static readonly Option<string> Listen = ServeCommand.ListenOption(MetricsServer.DefaultPort, "to serve /metrics on");
    private static readonly Option<string> By = new("--by") { Description = "group processes by program (default), user or cgroup", DefaultValueFactory = _ => "program" };
    private static readonly Option<int> Groups = new("--groups") { Description = "groups exported, the largest by PSS (default 10; the rest as group \"other\")", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Owners = new("--owners") { Description = "owners exported per group, the largest by PSS (default 5; the rest as owner \"other\")", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> Processes = new("--processes") { Description = "processes classified per group and scrape, the largest by PSS (default 20)", DefaultValueFactory = _ => 20 };
    private static readonly Option<string?> Textfile = new("--textfile") { Description = "write DIR/memlens.prom for node_exporter's textfile collector instead of serving (atomically)" };
    private static readonly Option<string> Interval = new("--interval") { Description = "with --textfile: time between writes (default 60s)", DefaultValueFactory = _ => "60s" };
    private static readonly Option<int?> Count = new("--count") { Description = "with --textfile: stop after this many writes" };

    public static Command Create(CliConsole console)
    {
        By.AcceptOnlyFromAmong("program", "user", "cgroup");
        var command = new Command("exporter", "Prometheus metrics of each process group's owners (virtual, committed, RSS, PSS, private, swap)")
        {
            Listen, By, Groups, Owners, Processes, Textfile, Interval, Count, CommonOptions.ProcRoot,
        };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            foreach (var (name, value) in new[] { ("--groups", parse.GetValue(Groups)), ("--owners", parse.GetValue(Owners)), ("--processes", parse.GetValue(Processes)) })
                if (value < 1) throw new MemlensException(ExitCode.Usage, $"{name} {value}: give at least 1");
            var scope = new ExporterScope(parse.GetValue(By)!, parse.GetValue(Groups), parse.GetValue(Owners), parse.GetValue(Processes));
            var proc = new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!);
            return parse.GetValue(Textfile) is { } dir
                ? WriteTextfiles(console, dir, scope, proc, WatchCommand.ParseInterval(parse.GetValue(Interval)!), parse.GetValue(Count))
                : ServeCommand.RunServer(console, parse.GetValue(Listen)!, at => new MetricsServer(at, scope, proc), "the programs' names and memory", "metrics");
        }));
        return command;
    }

    /// <summary>node_exporter reads DIR/*.prom: the file is replaced whole each time, never seen half-written.</summary>
    private static int WriteTextfiles(CliConsole console, string dir, ExporterScope scope, ProcRoot proc, TimeSpan interval, int? count)
    {
        if (count is < 1) throw new MemlensException(ExitCode.Usage, $"--count {count}: give at least 1");
        if (!Directory.Exists(dir)) throw new MemlensException(ExitCode.OutputFailed, $"--textfile {dir}: no such directory");
        string file = Path.Combine(dir, "memlens.prom");
        for (int i = 1; count is null || i <= count; i++)
        {
            if (i > 1) Thread.Sleep(interval);
            string text = OwnerMetricsWriter.Write(scope.Sample(proc));
            Output.WriteFile(file, s => s.Write(Encoding.UTF8.GetBytes(text)));
        }
        console.Out.WriteLine($"memlens: wrote {file}");
        return 0;
    }
}
