using System.Diagnostics;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>`memlens completion` and `memlens man`, made from the command tree.</summary>
public sealed class ShellCommandsTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static readonly string[] Commands = ["report", "maps", "capture", "go", "jvm", "dotnet", "explain", "elf", "strace", "threads", "diff", "watch", "cgroup", "top", "serve", "exporter", "record", "history"];

    [Fact]
    public void Bash_completion_is_valid_and_completes_commands_options_and_pids()
    {
        var r = MemlensCli.Run("completion", "bash");
        Assert.Equal(0, r.ExitCode);
        string script = Path.Combine(_temp.New("memlens-completion-"), "memlens.bash");
        File.WriteAllText(script, r.Out);
        string Complete(string words, int index) => Bash($"source {script}; COMP_WORDS=({words}); COMP_CWORD={index}; _memlens; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
        Assert.Equal(Commands.Order(), Complete("memlens ''", 1).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(c => !c.StartsWith('-') && c is not ("completion" or "man")).Order());
        Assert.Equal("--json", Complete("memlens report --js", 2).Trim());
        Assert.Contains("--wide", Complete("memlens top --w", 2), StringComparison.Ordinal);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), Complete($"memlens report {Environment.ProcessId}", 2).Split('\n'));
    }

    [Theory]
    [InlineData("zsh", "#compdef memlens")]
    [InlineData("fish", "complete -c memlens -n __fish_use_subcommand -a report")]
    public void Zsh_and_fish_scripts_name_every_command(string shell, string marker)
    {
        var r = MemlensCli.Run("completion", shell);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(marker, r.Out, StringComparison.Ordinal);
        foreach (var c in Commands) Assert.Contains(c, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_manual_page_lists_every_command_option_and_exit_code()
    {
        var r = MemlensCli.Run("man");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith(".TH MEMLENS 1", r.Out, StringComparison.Ordinal);
        foreach (var c in Commands) Assert.Contains($".B {c}\n", r.Out, StringComparison.Ordinal);
        Assert.Contains(".B \\-\\-wide\n", r.Out, StringComparison.Ordinal);
        foreach (int code in Enumerable.Range(0, 9)) Assert.Contains($".TP\n.B {code}\n", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\n.memlens", r.Out, StringComparison.Ordinal);   // no line a formatter would take for a request
    }

    [Fact]
    public void An_unknown_shell_is_named()
    {
        var r = MemlensCli.Run("completion", "tcsh");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("tcsh", r.Error, StringComparison.Ordinal);
    }

    private static string Bash(string command)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        return output;
    }
}
