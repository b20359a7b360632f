using Memlens.Cli;

namespace Memlens.Tests.Support;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class MemlensCli
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, new CliConsole(o, e));
        return new Result(code, o.ToString(), e.ToString());
    }
}
