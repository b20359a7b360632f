using System.Formats.Tar;
using System.IO.Compression;
using Memlens.Core;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>Every user error is one line on stderr and a distinct exit code; no stack trace.</summary>
public class CliErrorTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static void AssertOneLine(MemlensCli.Result r, ExitCode code, string contains) => MemlensCli.AssertOneLine(r, code, contains);

    [Fact]
    public void No_such_pid() => AssertOneLine(MemlensCli.Run("report", "999999999"), ExitCode.NoSuchProcess, "no process with pid 999999999");

    [Fact]
    public void No_such_process_name() => AssertOneLine(MemlensCli.Run("report", "no-such-program-xyz"), ExitCode.NoSuchProcess, "no process named 'no-such-program-xyz'");

    [Fact]
    public void A_name_matching_several_processes_lists_them()
    {
        using var a = Subject.Start(SubjectBuilds.Threads);
        using var b = Subject.Start(SubjectBuilds.Threads);
        var r = MemlensCli.Run("report", "threads");
        AssertOneLine(r, ExitCode.AmbiguousName, "processes are named 'threads'");
        Assert.Contains(a.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Error);
        Assert.Contains(b.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Error);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error() => AssertOneLine(MemlensCli.Run("report", "1", "--bogus"), ExitCode.Usage, "--bogus");

    [Fact]
    public void A_negative_duration_is_named_as_a_value_not_an_option() =>
        AssertOneLine(MemlensCli.Run("top", "--interval", "-1s"), ExitCode.Usage, "--interval -1s: give a positive value");

    [Fact]
    public void Unknown_kind_is_a_usage_error() => AssertOneLine(MemlensCli.Run("maps", "1", "--kind", "heap"), ExitCode.Usage, "not a kind");

    [Fact]
    public void A_directory_that_is_not_a_snapshot()
    {
        var dir = _temp.New("memlens-empty-");
        AssertOneLine(MemlensCli.Run("report", dir), ExitCode.BadInput, "not a snapshot");
    }

    [Fact]
    public void A_corrupt_archive()
    {
        string path = Path.Combine(_temp.New("memlens-bad-"), "x.tar.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]);
        AssertOneLine(MemlensCli.Run("report", path), ExitCode.BadInput, "not a readable .tar.gz snapshot");
    }

    [Fact]
    public void An_archive_entry_escaping_the_snapshot_is_refused()
    {
        string path = Path.Combine(_temp.New("memlens-evil-"), "evil.tar.gz");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../../escape") { DataStream = new MemoryStream([1]) });
        AssertOneLine(MemlensCli.Run("report", path), ExitCode.BadInput, "points outside the snapshot");
    }

    [Fact]
    public void Garbage_maps_in_a_snapshot_is_bad_input()
    {
        var dir = _temp.New("memlens-garbage-");
        File.WriteAllText(Path.Combine(dir, "maps"), "this is not\na maps file\n");
        AssertOneLine(MemlensCli.Run("report", dir), ExitCode.BadInput, "no mappings could be read");
    }

    [Fact]
    public void A_truncated_smaps_gives_a_partial_report_that_says_so()
    {
        var dir = _temp.New("memlens-cut-");
        var smaps = Fixtures.Bytes("c-threads", "smaps");
        File.WriteAllBytes(Path.Combine(dir, "smaps"), smaps[..(smaps.Length / 2)]);
        var r = MemlensCli.Run("report", dir);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("WARNINGS", r.Out);
        Assert.Contains("(the report is partial)", r.Out);
        Assert.Contains("status: not present", r.Out);
    }

    [Fact]
    public void Capture_never_overwrites()
    {
        var dir = _temp.New("memlens-exists-");
        AssertOneLine(MemlensCli.Run("capture", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", dir), ExitCode.OutputFailed, "already exists");
    }

    [Fact]
    public void Capture_needs_an_output() => Assert.Equal((int)ExitCode.Usage, MemlensCli.Run("capture", "1").ExitCode);

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "repot", "1" }, "unknown command 'repot'; did you mean 'report'?")]
    [InlineData(new[] { "report", "--bogus", "1" }, "unknown option '--bogus' for report")]
    [InlineData(new[] { "report", "--bogus" }, "unknown option '--bogus' for report")]
    [InlineData(new[] { "maps", "1", "--evidance" }, "unknown option '--evidance' for maps; did you mean '--evidence'?")]
    [InlineData(new[] { "top", "-n", "-3" }, "-n -3: give at least 1 row")]
    [InlineData(new[] { "watch", "1", "--count", "0" }, "--count 0: give at least 1 sample")]
    public void The_command_line_names_what_is_wrong(string[] args, string message) =>
        AssertOneLine(MemlensCli.Run(args), ExitCode.Usage, message);
}
