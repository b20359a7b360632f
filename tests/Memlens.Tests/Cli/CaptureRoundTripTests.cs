using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class CaptureRoundTripTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("snap")]
    [InlineData("snap.tar.gz")]
    public void A_snapshot_reports_the_same_owners_as_the_live_process(string name)
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string pid = subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string output = Path.Combine(_temp.New("memlens-capture-"), name);
        var capture = MemlensCli.Run("capture", pid, "-o", output);
        Assert.Equal(0, capture.ExitCode);
        Assert.Contains($"captured pid {pid} (threads)", capture.Out);
        var live = MemlensCli.Run("maps", pid, "--json");
        var offline = MemlensCli.Run("maps", output, "--json");
        Assert.Equal(0, offline.ExitCode);
        static IEnumerable<string> Owners(string json) =>
            System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray().Select(r => $"{r.GetProperty("start")} {r.GetProperty("owner")} {r.GetProperty("detail")}");
        Assert.Equal(Owners(live.Out), Owners(offline.Out));
        Assert.Contains("glibc malloc mmapped chunks", offline.Out);   // needed the recorded memory probes
    }

    [Fact]
    public void A_snapshot_holds_the_proc_files_and_never_the_environment()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads, [], new Dictionary<string, string> { ["MEMLENS_SECRET"] = "hunter2" });
        string output = Path.Combine(_temp.New("memlens-capture-"), "snap");
        Assert.Equal(0, MemlensCli.Run("capture", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", output).ExitCode);
        foreach (var f in new[] { "maps", "smaps", "smaps_rollup", "status", "statm", "stat", "cmdline", "comm", "cgroup", "exe.txt", "meminfo", "pagesize", "kernel", "cpus", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        Assert.Equal(5, Directory.GetDirectories(Path.Combine(output, "task")).Length);
        Assert.True(File.Exists(Path.Combine(output, "task", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "syscall")));
        Assert.False(File.Exists(Path.Combine(output, "environ")));
        foreach (var f in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain("hunter2", File.ReadAllText(f));
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(output)!, ".snap.tmp-*"));
    }
}
