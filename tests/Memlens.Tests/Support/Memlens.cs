using Memlens.Cli;

namespace Memlens.Tests.Support;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class MemlensCli
{
    public sealed record Result(int ExitCode, string Out, string Error);

    /// <summary>A user error: exactly one line on stderr, "memlens: …" holding <paramref name="contains"/>, and its exit code.</summary>
    public static void AssertOneLine(Result r, Memlens.Core.ExitCode code, string contains)
    {
        Assert.True((int)code == r.ExitCode, $"exit {r.ExitCode}, expected {(int)code}: {r.Error}");
        var lines = r.Error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("memlens: ", lines[0]);
        Assert.Contains(contains, lines[0]);
        Assert.DoesNotContain("   at ", r.Error);
    }

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
