using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Memlens.Cli.Serve;
using Memlens.Core;
using Memlens.Core.Sources;

namespace Memlens.Cli.Commands;

/// <summary>`memlens serve`: a local web UI, on 127.0.0.1 unless another address is given (and then it says so).</summary>
internal static class ServeCommand
{
    private static readonly Option<string> Listen = ListenOption(MemlensServer.DefaultPort, "to listen on");
    private static readonly Option<int> Rows = new("-n") { Description = "processes in the list (default 50)", DefaultValueFactory = _ => 50 };

    public static Command Create(CliConsole console)
    {
        var command = new Command("serve", "a local web UI: the process list, each process's report, its owners live (read-only)") { Listen, Rows, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            int rows = parse.GetValue(Rows);
            if (rows < 1) throw new MemlensException(ExitCode.Usage, $"-n {rows}: give at least 1 row");
            var proc = new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!);
            return RunServer(console, parse.GetValue(Listen)!, at => new MemlensServer(at, proc, rows), "every process's memory and command line");
        }));
        return command;
    }

    /// <summary>Binds where asked, says where (and warns when other machines can connect), and serves until interrupted.</summary>
    public static int RunServer(CliConsole console, string listen, Func<IPEndPoint, ReadOnlyServer> create, string exposes, string path = "")
    {
        var at = ParseListen(listen);
        ReadOnlyServer server;
        try { server = create(at); }
        catch (SocketException e) { throw new MemlensException(ExitCode.Usage, $"--listen {listen}: cannot listen there ({e.Message.TrimEnd('.')})"); }
        using (server)
        {
            if (!IPAddress.IsLoopback(at.Address))
                console.Error.WriteLine($"memlens: listening on {server.EndPoint}, reachable from other machines: anyone who can connect sees {exposes}");
            console.Out.WriteLine($"memlens: serving {server.Url}{path} (read-only; Ctrl-C stops)");
            console.Out.Flush();
            server.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        return 0;
    }

    /// <summary>--listen, on loopback by default: another address only when given.</summary>
    public static Option<string> ListenOption(int port, string what) => new("--listen")
    {
        Description = $"address and port {what} (default 127.0.0.1:{port}; port 0 picks a free one)",
        DefaultValueFactory = _ => $"127.0.0.1:{port}",
    };

    /// <summary>"127.0.0.1:7470", "[::1]:0", "0.0.0.0:8080", or a port alone (on 127.0.0.1).</summary>
    public static IPEndPoint ParseListen(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int alone) && alone <= 65535) return new IPEndPoint(IPAddress.Loopback, alone);
        if (IPEndPoint.TryParse(text, out var at) && text.Contains(':', StringComparison.Ordinal) && at.Port <= 65535) return at;
        throw new MemlensException(ExitCode.Usage, $"--listen {text}: give an address and a port (127.0.0.1:{MemlensServer.DefaultPort}, [::1]:0) or a port");
    }
}
