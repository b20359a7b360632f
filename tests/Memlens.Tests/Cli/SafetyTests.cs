using System.Globalization;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>What another user or another process can put in memlens's way: a planted symlink, escape sequences.</summary>
public sealed class SafetyTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("snap")]
    [InlineData("snap.tar.gz")]
    public void Capture_never_writes_through_a_planted_symlink(string name)
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string dir = _temp.New("memlens-dest-");
        string victim = _temp.New("memlens-victim-");
        File.WriteAllText(Path.Combine(victim, "keep"), "mine");
        // The temporary names earlier versions used, and a few obvious guesses, all pointing at the victim's directory.
        foreach (var planted in new[] { $".{name}.tmp-{Environment.ProcessId}", $".{name}.tmp", $"{name}.tmp" })
            File.CreateSymbolicLink(Path.Combine(dir, planted), victim);
        var r = MemlensCli.Run("capture", subject.Pid.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(dir, name));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["keep"], Directory.GetFileSystemEntries(victim).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(victim, "keep")));
        var written = new FileInfo(Path.Combine(dir, name));
        Assert.Null(written.LinkTarget);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(dir), e => e.EndsWith(".tmp", StringComparison.Ordinal) && new FileInfo(e).LinkTarget is null);
        Assert.Equal(0, MemlensCli.Run("report", Path.Combine(dir, name)).ExitCode);
    }

    [Fact]
    public void Capture_into_a_missing_directory_creates_nothing()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string missing = Path.Combine(_temp.New("memlens-dest-"), "no", "such");
        var r = MemlensCli.Run("capture", subject.Pid.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(missing, "snap"));
        Assert.Equal(8, r.ExitCode);
        Assert.Contains("does not exist", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Text_from_a_target_cannot_drive_the_terminal()
    {
        string dir = _temp.New("memlens-evil-");
        foreach (var f in Directory.GetFiles(Fixtures.Dir("c-threads")))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        File.WriteAllText(Path.Combine(dir, "comm"), "evil\u001b]0;pwned\u0007\u001b[2J\n");
        string maps = File.ReadAllText(Path.Combine(dir, "smaps"));
        File.WriteAllText(Path.Combine(dir, "smaps"), maps.Replace("/tmp/threads", "/tmp/threads\u001b[31mred\u009b", StringComparison.Ordinal));
        File.Delete(Path.Combine(dir, "manifest.json"));
        foreach (var command in new[] { "report", "maps", "threads" })
        {
            var r = MemlensCli.Run(command, dir);
            Assert.Equal(0, r.ExitCode);
            Assert.DoesNotContain('\u001b', r.Out);
            Assert.DoesNotContain('\u0007', r.Out);
            Assert.DoesNotContain('\u009b', r.Out);
        }
        var report = MemlensCli.Run("report", dir).Out;
        Assert.Contains("evil\\x1b]0;pwned\\x07\\x1b[2J", report, StringComparison.Ordinal);
        Assert.Contains("/tmp/threads\\x1b[31mred\\x9b", MemlensCli.Run("maps", dir).Out, StringComparison.Ordinal);
        // With colour, memlens's own codes get through and the target's still do not: its text is printed inert.
        var painted = MemlensCli.Run("maps", dir, "--color", "always").Out;
        Assert.Contains("\u001b[34m/tmp/threads\\x1b[31mred\\x9b\u001b[0m", painted, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[31mred", painted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_in_a_snapshot_is_not_read_and_says_so()
    {
        string dir = _temp.New("memlens-fifo-");
        File.Copy(Fixtures.File("c-threads", "maps"), Path.Combine(dir, "maps"));
        foreach (var name in new[] { "status", "statm" })
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(dir, name)])!;
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        File.CreateSymbolicLink(Path.Combine(dir, "smaps_rollup"), "/dev/urandom");
        var r = MemlensCli.Run("report", dir);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("status: not a readable regular file", r.Out, StringComparison.Ordinal);
        Assert.Contains("smaps_rollup: not a readable regular file", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_disk_behind_standard_output_is_one_line_and_exit_8()
    {
        // What a StreamWriter on /dev/full throws at its first write.
        var full = new FullDisk();
        var error = new StringWriter();
        int code = Memlens.Cli.Program.Run(["report", Fixtures.Dir("c-threads")], new Memlens.Cli.CliConsole(full, error));
        Assert.Equal(8, code);
        var line = Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
        Assert.Equal("memlens: standard output could not be written (No space left on device)", line);
    }

    private sealed class FullDisk : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void Write(char value) => throw new IOException("No space left on device");
        public override void Write(string? value) => throw new IOException("No space left on device");
    }
}
