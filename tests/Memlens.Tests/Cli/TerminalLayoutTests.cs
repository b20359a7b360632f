using System.Text.RegularExpressions;
using Memlens.Cli;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>What decides the terminal view: the terminal's width, --wide, --color, NO_COLOR, and a file or a pipe.</summary>
public sealed partial class TerminalLayoutTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(80, "auto", null, null, true)]
    [InlineData(80, "auto", "1", null, false)]      // NO_COLOR set: no colour
    [InlineData(80, "auto", "", null, true)]        // NO_COLOR empty: as if unset
    [InlineData(80, "auto", null, "dumb", false)]
    [InlineData(null, "auto", null, null, false)]   // a pipe or a file
    [InlineData(null, "always", "1", null, true)]   // asked for explicitly
    [InlineData(80, "never", null, null, false)]
    public void Colour_is_for_terminals_unless_asked(int? width, string color, string? noColor, string? term, bool expected) =>
        Assert.Equal(expected, LayoutChoice.Resolve(width, false, color, noColor, term).Color);

    [Fact]
    public void A_report_on_a_60_column_terminal_fits_and_a_pipe_gets_every_column()
    {
        string fixture = Fixtures.Dir("dotnet-subject");
        var narrow = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["report", fixture, "--color", "never"], new CliConsole(narrow, new StringWriter(), outWidth: 60)));
        Assert.All(narrow.ToString().Split('\n'), line => Assert.True(line.Length <= 60 || !line.Trim().Contains(' '), line));
        Assert.DoesNotContain("committed", narrow.ToString().Split('\n').First(l => l.StartsWith("kind / owner", StringComparison.Ordinal)), StringComparison.Ordinal);   // the column went

        var wide = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["report", fixture, "--wide", "--color", "never"], new CliConsole(wide, new StringWriter(), outWidth: 60)));
        Assert.Contains("committed", wide.ToString().Split('\n').First(l => l.StartsWith("kind / owner", StringComparison.Ordinal)), StringComparison.Ordinal);

        var pipe = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["report", fixture], new CliConsole(pipe, new StringWriter())));
        Assert.DoesNotContain('\u001b', pipe.ToString());
        Assert.Contains("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", pipe.ToString(), StringComparison.Ordinal);

        var painted = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["maps", fixture, "--color", "always"], new CliConsole(painted, new StringWriter())));
        Assert.Matches(Painted(), painted.ToString());
    }

    [Theory]
    [InlineData("threads")]
    [InlineData("maps")]
    public void Other_tables_fit_a_narrow_terminal_too(string command)
    {
        var o = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run([command, _temp.CopyFixtureDeep("c-threads"), "--color", "never"], new CliConsole(o, new StringWriter(), outWidth: 72)));
        var table = o.ToString().Split('\n').Where(l => l.Contains("  ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(table);
        // Every line fits, the header naming the snapshot's long path too (a single word longer than the line stays whole).
        Assert.All(o.ToString().Split('\n'), line => Assert.True(line.Length <= 72 || !line.Trim().Contains(' '), line));
    }

    [Fact]
    public void Elf_and_strace_regions_fit_a_narrow_terminal_and_keep_whole_names_in_a_pipe()
    {
        string binary = SubjectBuilds.Threads;
        string log = Path.Combine(_temp.New("memlens-strace-"), "log");
        RealProgram.Run("strace", "-f", "-tt", "-T", "-y", "-o", log, "--", "sh", "-c", "ls / >/dev/null & ls /usr >/dev/null; wait");
        foreach (var args in new[] { new[] { "elf", binary }, ["strace", log, "--regions"] })
        {
            var narrow = new StringWriter();
            Assert.Equal(0, Memlens.Cli.Program.Run([.. args, "--color", "never"], new CliConsole(narrow, new StringWriter(), outWidth: 72)));
            Assert.All(narrow.ToString().Split('\n'), line => Assert.True(line.Length <= 72 || !line.Trim().Contains(' '), line));
            var pipe = new StringWriter();
            Assert.Equal(0, Memlens.Cli.Program.Run(args, new CliConsole(pipe, new StringWriter())));
            Assert.DoesNotContain('…', pipe.ToString());
        }
    }

    [Fact]
    public void The_go_sections_prose_is_wrapped_to_fit_not_cut()
    {
        var narrow = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["go", _temp.CopyFixtureDeep("go-cgo-http"), "--color", "never"], new CliConsole(narrow, new StringWriter(), outWidth: 80)));
        var pipe = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["go", Fixtures.Dir("go-cgo-http")], new CliConsole(pipe, new StringWriter())));
        Assert.All(narrow.ToString().Split('\n'), line => Assert.True(line.Length <= 80 || !line.Trim().Contains(' '), line));
        // With every column kept, every word of the pipe's text is still there on the terminal: wrapped, not elided.
        var wide = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["go", Fixtures.Dir("go-cgo-http"), "--wide", "--color", "never"], new CliConsole(wide, new StringWriter(), outWidth: 80)));
        static string[] Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain('…', wide.ToString());
        Assert.Equal(Words(pipe.ToString()).Order(StringComparer.Ordinal), Words(wide.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bad_colour_choice_is_named()
    {
        var error = new StringWriter();
        Assert.Equal(2, Memlens.Cli.Program.Run(["report", Fixtures.Dir("c-threads"), "--color", "sometimes"], new CliConsole(new StringWriter(), error)));
        Assert.Contains("sometimes", error.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("\u001b\\[34m/usr/share/dotnet/dotnet\u001b\\[0m")]
    private static partial Regex Painted();
}
