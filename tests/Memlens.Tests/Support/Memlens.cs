using Memlens.Cli;

namespace Memlens.Tests.Support;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class MemlensCli
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args) => RunWithInput(null, args);

    /// <summary>Runs with <paramref name="stdin"/> as standard input (for `memlens report -`).</summary>
    public static Result RunWithInput(string? stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, new CliConsole(o, e, null, stdin is null ? null : new StringReader(stdin)));
        return new Result(code, o.ToString(), e.ToString());
    }
}
