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
    private static readonly Option<string> Listen = new("--listen")
    {
        Description = $"address and port to listen on (default 127.0.0.1:{MemlensServer.DefaultPort}; port 0 picks a free one)",
        DefaultValueFactory = _ => $"127.0.0.1:{MemlensServer.DefaultPort}",
    };
    private static readonly Option<int> Rows = new("-n") { Description = "processes in the list (default 50)", DefaultValueFactory = _ => 50 };

    public static Command Create(CliConsole console)
    {
        var command = new Command("serve", "a local web UI: the process list, each process's report, its owners live (read-only)") { Listen, Rows, CommonOptions.ProcRoot };
        command.SetAction(parse => Program.Guard(console, () =>
        {
            int rows = parse.GetValue(Rows);
            if (rows < 1) throw new MemlensException(ExitCode.Usage, $"-n {rows}: give at least 1 row");
            var at = ParseListen(parse.GetValue(Listen)!);
            MemlensServer server;
            try { server = new MemlensServer(at, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!), rows); }
            catch (SocketException e) { throw new MemlensException(ExitCode.Usage, $"--listen {parse.GetValue(Listen)}: cannot listen there ({e.Message.TrimEnd('.')})"); }
            using (server)
            {
                if (!IPAddress.IsLoopback(at.Address))
                    console.Error.WriteLine($"memlens: listening on {server.EndPoint}, reachable from other machines: anyone who can connect sees every process's memory and command line");
                console.Out.WriteLine($"memlens: serving {server.Url} (read-only; Ctrl-C stops)");
                console.Out.Flush();
                server.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            return 0;
        }));
        return command;
    }

    /// <summary>"127.0.0.1:7470", "[::1]:0", "0.0.0.0:8080", or a port alone (on 127.0.0.1).</summary>
    public static IPEndPoint ParseListen(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int alone) && alone <= 65535) return new IPEndPoint(IPAddress.Loopback, alone);
        if (IPEndPoint.TryParse(text, out var at) && text.Contains(':', StringComparison.Ordinal) && at.Port <= 65535) return at;
        throw new MemlensException(ExitCode.Usage, $"--listen {text}: give an address and a port (127.0.0.1:{MemlensServer.DefaultPort}, [::1]:0) or a port");
    }
}
