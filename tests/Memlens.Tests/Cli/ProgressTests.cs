using Memlens.Tests.Support;
namespace Memlens.Tests.Cli;

/// <summary>Progress of a long read: on a terminal's stderr only, one line rewritten, erased at the end.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_terminal_sees_one_rewritten_line_that_is_erased_at_the_end()
    {
        var error = new StringWriter();
        var p = new Memlens.Cli.Progress(error, "replaying big.log", TimeSpan.Zero, TimeSpan.Zero);
        p.Report(512L << 20, 1L << 30);
        p.Report(1L << 30, 1L << 30);
        p.Done();
        Assert.Equal("\rmemlens: replaying big.log… 50% (512 MiB of 1 GiB)\u001b[K\rmemlens: replaying big.log… 100% (1 GiB of 1 GiB)\u001b[K\r\u001b[K", error.ToString());
    }

    [Fact]
    public void Standard_error_that_is_not_a_terminal_never_sees_it()
    {
        string log = Path.Combine(_temp.New("memlens-progress-"), "strace.log");
        File.WriteAllText(log, "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n");
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Null(Memlens.Cli.Progress.For(new Memlens.Cli.CliConsole(o, e), "x"));
        Assert.Equal(0, Memlens.Cli.Program.Run(["strace", log], new Memlens.Cli.CliConsole(o, e)));
        Assert.Equal("", e.ToString());
        Assert.NotNull(Memlens.Cli.Progress.For(new Memlens.Cli.CliConsole(o, e, errorIsTerminal: true), "x"));
    }

    [Fact]
    public void A_live_read_tells_how_much_of_smaps_it_has_read()
    {
        // The progress line of a large address space is fed by these counts: growing, ending at the whole file.
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var counts = new List<long>();
        var snapshot = Memlens.Core.Sources.LiveProcess.Load(subject.Pid, smapsRead: counts.Add);
        Assert.NotEmpty(counts);
        Assert.Equal(counts.Order(), counts);
        long smaps = File.ReadAllBytes($"/proc/{subject.Pid}/smaps").LongLength;
        Assert.InRange(counts[^1], smaps * 9 / 10, smaps * 11 / 10);   // the subject may map or unmap a page between the reads
        int mappings = File.ReadAllLines($"/proc/{subject.Pid}/maps").Length;
        Assert.InRange(snapshot.Regions.Count, mappings - 2, mappings + 2);
    }

    [Fact]
    public void A_quick_report_on_a_terminal_shows_no_progress()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["report", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Memlens.Cli.CliConsole(o, e, errorIsTerminal: true)));
        Assert.Equal("", e.ToString());   // under a second: nothing to show
        Assert.Contains("BREAKDOWN BY OWNER", o.ToString(), StringComparison.Ordinal);
    }
}
