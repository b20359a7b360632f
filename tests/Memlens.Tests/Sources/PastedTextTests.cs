using System.Diagnostics;
using Memlens.Core;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Sources;

/// <summary>
/// /proc text of a real process, pasted the ways people paste it: alone, from stdin, under `tail -n +1` headers or
/// `# cat` prompts, with CRLF endings, trailing blanks and no last newline. Each gives the owners and figures that a
/// directory holding the same files gives.
/// </summary>
public sealed class PastedTextTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    /// <summary>The subject's files, read once (so that every shape pastes the same moment), and their directory form.</summary>
    private sealed record Captured(int Pid, string Dir, string Maps, string Smaps, string Status, string Statm);

    private Captured Capture(Subject subject)
    {
        string proc = $"/proc/{subject.Pid}";
        string dir = _temp.New("memlens-pasted-");
        var c = new Captured(subject.Pid, dir, File.ReadAllText($"{proc}/maps"), File.ReadAllText($"{proc}/smaps"),
            File.ReadAllText($"{proc}/status"), File.ReadAllText($"{proc}/statm"));
        File.WriteAllText(Path.Combine(dir, "smaps"), c.Smaps);
        File.WriteAllText(Path.Combine(dir, "status"), c.Status);
        File.WriteAllText(Path.Combine(dir, "statm"), c.Statm);
        return c;
    }

    private string Write(string text)
    {
        string path = Path.Combine(_temp.New("memlens-paste-"), "pasted.txt");
        File.WriteAllText(path, text);
        return path;
    }

    private static ProcessAnalysis Analyse(string target) => Analyzer.Analyze(TargetResolver.Load(target));

    /// <summary>Owners by region; the main stack's owner is named by the pid, which a lone smaps does not hold.</summary>
    private static IEnumerable<(ulong, ulong, object)> Owners(ProcessAnalysis a) =>
        a.Regions.Select(r => (r.Start, r.End, r.Attribution!.Owner is ThreadStackOwner { IsMain: true } ? (object)"main stack" : r.Attribution.Owner));

    private static void AssertSameOwners(ProcessAnalysis expected, ProcessAnalysis actual)
    {
        Assert.Equal(Owners(expected), Owners(actual));
        Assert.Equal(expected.Breakdown.Total, actual.Breakdown.Total);
    }

    [Fact]
    public void Smaps_alone_in_a_file_and_on_stdin_gives_what_the_directory_gives()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var c = Capture(subject);
        var dir = Analyse(c.Dir);
        var file = Analyse(Write(c.Smaps));
        AssertSameOwners(dir, file);
        Assert.NotNull(file.Breakdown.Total.Rss);
        Assert.Equal(dir.Breakdown.Total.Pss, file.Breakdown.Total.Pss);

        var r = MemlensCli.RunWithInput(c.Smaps, "report", "-", "--json");
        Assert.Equal(0, r.ExitCode);
        var json = System.Text.Json.JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(dir.Breakdown.Total.Rss, json.GetProperty("totals").GetProperty("rss").GetUInt64());
        Assert.Contains("(standard input)", json.GetProperty("process").GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Maps_alone_gives_the_owners_and_no_resident_figures()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var c = Capture(subject);
        var maps = Analyse(Write(c.Maps));
        Assert.Null(maps.Breakdown.Total.Rss);
        var smaps = Analyse(Write(c.Smaps));
        Assert.Equal(Owners(smaps), Owners(maps));
    }

    [Fact]
    public void Tail_headers_name_each_file_and_status_gives_pid_name_threads_and_rss()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string proc = $"/proc/{subject.Pid}";
        // What `tail -n +1` really prints for several files.
        var psi = new ProcessStartInfo("tail", ["-n", "+1", $"{proc}/smaps", $"{proc}/status", $"{proc}/statm"]) { RedirectStandardOutput = true };
        using var tail = Process.Start(psi)!;
        string text = tail.StandardOutput.ReadToEnd();
        tail.WaitForExit();
        Assert.StartsWith($"==> {proc}/smaps <==", text, StringComparison.Ordinal);
        var a = Analyse(Write(text));
        var status = a.Snapshot.Status!;
        Assert.Equal(subject.Pid, a.Snapshot.Pid);
        Assert.Equal(status.Name, a.Snapshot.Comm);
        Assert.Equal(5, a.Snapshot.ThreadCount);
        var report = ReportBuilder.Build(a);
        Assert.Equal(status.VmRSS, report.Headline.Rss);
        Assert.Equal("threads", report.Process.Comm);
        Assert.Equal(5, report.Process.Threads);
        Assert.NotNull(a.Snapshot.Statm);
    }

    [Fact]
    public void Cat_prompts_crlf_trailing_blanks_and_no_last_newline_read_like_the_kernels_text()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var c = Capture(subject);
        var expected = Analyse(c.Dir);
        string pasted = $"root@host:~# cat /proc/{c.Pid}/smaps\n{c.Smaps}# cat /proc/{c.Pid}/status\n{c.Status}$ cat /proc/{c.Pid}/statm\n{c.Statm}";
        string crlf = string.Join("\r\n", pasted.TrimEnd('\n').Split('\n').Select(l => l.StartsWith("Rss:", StringComparison.Ordinal) ? l + "   " : l));
        var a = Analyse(Write(crlf));
        AssertSameOwners(expected, a);
        Assert.Equal(expected.Breakdown.Total.Rss, a.Breakdown.Total.Rss);
        Assert.Equal(expected.Breakdown.Total.Private, a.Breakdown.Total.Private);
        Assert.Equal(c.Pid, a.Snapshot.Pid);
        Assert.All(ReportBuilder.Build(a).Checks, check => Assert.True(check.Holds, check.Name));
    }

    [Fact]
    public void A_snapshot_directory_with_crlf_smaps_keeps_rss_pss_and_uss()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var c = Capture(subject);
        var expected = Analyse(c.Dir);
        File.WriteAllText(Path.Combine(c.Dir, "smaps"), c.Smaps.Replace("\n", "\r\n", StringComparison.Ordinal));
        var crlf = Analyse(c.Dir);
        Assert.Equal(expected.Breakdown.Total, crlf.Breakdown.Total);
        Assert.True(crlf.Breakdown.Total.Rss > 0);
    }

    [Theory]
    [InlineData("garbage", "is a file but not a snapshot, a core, or pasted /proc text")]
    [InlineData("binary", "is a file but not a snapshot, a core, or pasted /proc text")]
    [InlineData("empty", "is empty")]
    public void A_bad_paste_is_one_line_and_exit_6(string shape, string message)
    {
        string path = Path.Combine(_temp.New("memlens-badpaste-"), shape);
        if (shape == "garbage") File.WriteAllText(path, "Hello,\nthis is a mail, not the text of a /proc file.\n7 8 9\n");
        else if (shape == "binary") File.WriteAllBytes(path, [0x7f, 0x00, 0x01, 0xfe, 0x00, 0x42, 0x0a, 0x00]);
        else File.WriteAllBytes(path, []);
        var r = MemlensCli.Run("report", path);
        Assert.Equal((int)ExitCode.BadInput, r.ExitCode);
        var line = Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.StartsWith("memlens: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_paste_on_stdin_is_one_line_and_exit_6()
    {
        var r = MemlensCli.RunWithInput("not /proc text\n", "report", "-");
        Assert.Equal((int)ExitCode.BadInput, r.ExitCode);
        Assert.Contains("(standard input) is a file but not", r.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, MemlensCli.RunWithInput("", "report", "-").Out);
        Assert.Equal((int)ExitCode.BadInput, MemlensCli.RunWithInput("", "report", "-").ExitCode);
    }
}
