using System.CommandLine;
using Memlens.Cli.Commands;
using Memlens.Core;

namespace Memlens.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupts = Interrupts.Handle();
        var console = CliConsole.System();
        int code = Run(args, console);
        try { Commands.Output.Flush(console); }
        catch (MemlensException e)
        {
            console.Error.WriteLine($"memlens: {e.Message}");
            return code == 0 ? (int)e.Code : code;
        }
        catch (IOException) { }   // the reader left: nothing more to say
        return code;
    }

    /// <summary>Parses and runs; user errors are one line on stderr and a distinct exit code (README, "Exit codes").</summary>
    public static int Run(string[] args, CliConsole console)
    {
        RootCommand? tree = null;
        var root = new RootCommand("memlens: where a Linux process's memory goes, every byte, with the evidence")
        {
            ReportCommand.Create(console),
            MapsCommand.Create(console),
            CaptureCommand.Create(console),
            GoCommand.Create(console),
            JvmCommand.Create(console),
            DotnetCommand.Create(console),
            ExplainCommand.Create(console),
            ElfCommand.Create(console),
            StraceCommand.Create(console),
            ThreadsCommand.Create(console),
            DiffCommand.Create(console),
            WatchCommand.Create(console),
            CgroupCommand.Create(console),
            TopCommand.Create(console),
            ServeCommand.Create(console),
            ExporterCommand.Create(console),
            RecordCommand.Create(console),
            RecordCommand.History(console),
            ShellCommands.Completion(console, () => tree!),
            ShellCommands.Man(console, () => tree!),
        };
        tree = root;
        // `memlens` alone, or with only top's options: the whole machine.
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version"))) args = ["top", .. args];
        if (CommandLineCheck.UnknownName(root, args) is { } unknown)
        {
            console.Error.WriteLine($"memlens: {unknown} (see memlens --help)");
            return (int)ExitCode.Usage;
        }
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Every problem, not only the first.
            console.Error.WriteLine($"memlens: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see memlens --help)");
            return (int)ExitCode.Usage;
        }
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        return parse.Invoke(config);
    }

    /// <summary>Runs a command body, turning a <see cref="MemlensException"/> into its one line and exit code.</summary>
    public static int Guard(CliConsole console, Func<int> body)
    {
        try { return body(); }
        catch (MemlensException e)
        {
            console.Error.WriteLine($"memlens: {e.Message}");
            return (int)e.Code;
        }
        catch (OperationCanceledException) when (Core.Sources.Files.TemporaryPaths.Interrupted != 0)
        {
            return 128 + Core.Sources.Files.TemporaryPaths.Interrupted;   // a signal stopped a write; its temporaries are gone
        }
        catch (IOException e) when (e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase))
        {
            return (int)ExitCode.OutputFailed;   // `memlens report … | head`: the reader left; not an error worth a trace
        }
    }
}
