using System.Diagnostics;
using System.Globalization;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>
/// Races with the kernel, with real churn: processes that live milliseconds (hundreds at a time) and a process whose
/// threads start and end continually, while top, report, threads, watch and capture read them. Each result is whole,
/// partial with a warning, or one line with exit 3 or 7 ("no such process", "exited while being read"); never a crash.
/// </summary>
public sealed class ChurnTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    private readonly List<Process> _churners = [];

    public void Dispose()
    {
        foreach (var p in _churners)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(10_000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        _temp.Dispose();
    }

    /// <summary>
    /// A shell that starts <paramref name="width"/> short-lived processes at a time, as fast as the machine forks, each
    /// living 10–50 ms, or 0.1–0.5 s when <paramref name="longer"/> (so that many are alive at once even where forking is
    /// slow), and starts again once they have all ended.
    /// </summary>
    private Process StartSpawner(int width, bool longer = false)
    {
        string life = longer ? "0." : "0.0";
        string script = $"while :; do i=0; while [ $i -lt {width} ]; do sleep {life}$((i % 5 + 1)) & i=$((i+1)); done; wait; done";
        var p = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false })!;
        _churners.Add(p);
        return p;
    }

    /// <summary>A process whose threads start and end continually (python3's threading: each lives about a millisecond).</summary>
    private Process StartThreadChurner()
    {
        const string script = """
            import threading, time
            def work(): time.sleep(0.001)
            print("ready", flush=True)
            while True:
                ts = [threading.Thread(target=work) for _ in range(16)]
                for t in ts: t.start()
                for t in ts: t.join()
            """;
        var p = Process.Start(new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        _churners.Add(p);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        return p;
    }

    private static int[] ChildrenOf(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [];

    /// <summary>Whole, or refused in one line with the code for a process that is gone.</summary>
    private static void AssertWholeOrGone(MemlensCli.Result r, string what)
    {
        Assert.True(r.ExitCode is 0 or 3 or 7, $"{what}: exit {r.ExitCode}: {r.Error}");
        Assert.DoesNotContain("   at ", r.Error);
        if (r.ExitCode != 0)
        {
            var line = Assert.Single(r.Error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("memlens: ", line);
        }
    }

    [Fact]
    public void Top_sweeps_while_hundreds_of_processes_come_and_go()
    {
        var spawner = StartSpawner(500, longer: true);
        Assert.True(SpinWait.SpinUntil(() => ChildrenOf(spawner.Id).Length > 50, TimeSpan.FromSeconds(30)), "the spawner keeps many processes alive");
        for (int i = 0; i < 5; i++)
        {
            var r = MemlensCli.Run("top", "--json", "-n", "20");
            Assert.True(r.ExitCode == 0, r.Error);
            using var json = System.Text.Json.JsonDocument.Parse(r.Out);
            // As many rows as processes lived through the sweep, up to 20 (hundreds of them may end while it runs).
            Assert.InRange(json.RootElement.GetProperty("rows").GetArrayLength(), 1, 20);
        }
    }

    [Fact]
    public void Report_capture_and_threads_of_processes_that_exit_while_read()
    {
        var spawner = StartSpawner(200);
        Assert.True(SpinWait.SpinUntil(() => ChildrenOf(spawner.Id).Length > 20, TimeSpan.FromSeconds(30)), "the spawner keeps processes alive");
        int whole = 0, gone = 0;
        string dir = _temp.New("memlens-churn-");
        for (int i = 0; i < 40; i++)
        {
            foreach (int pid in ChildrenOf(spawner.Id).Take(2))
            {
                string p = pid.ToString(CultureInfo.InvariantCulture);
                var r = (i % 3) switch
                {
                    0 => MemlensCli.Run("report", p),
                    1 => MemlensCli.Run("threads", p),
                    _ => MemlensCli.Run("capture", p, "-o", Path.Combine(dir, $"s{i}-{pid}")),
                };
                AssertWholeOrGone(r, $"pid {pid}");
                if (r.ExitCode == 0) whole++;
                else gone++;
            }
        }
        Assert.True(whole + gone >= 40, $"{whole} whole, {gone} gone");
        // A capture either finished whole or left nothing: no temporary directory stays.
        Assert.Empty(Directory.GetFileSystemEntries(dir, ".*.tmp"));
    }

    [Fact]
    public void Threads_that_start_and_end_during_the_read_leave_a_whole_report()
    {
        var churner = StartThreadChurner();
        string pid = churner.Id.ToString(CultureInfo.InvariantCulture);
        string dir = _temp.New("memlens-churn-");
        for (int i = 0; i < 10; i++)
        {
            var report = MemlensCli.Run("report", pid, "--json");
            Assert.True(report.ExitCode == 0, report.Error);
            using var json = System.Text.Json.JsonDocument.Parse(report.Out);
            Assert.NotEmpty(json.RootElement.GetProperty("regions").EnumerateArray());
            var threads = MemlensCli.Run("threads", pid);
            Assert.True(threads.ExitCode == 0, threads.Error);
        }
        var capture = MemlensCli.Run("capture", pid, "-o", Path.Combine(dir, "snap"));
        Assert.True(capture.ExitCode == 0, capture.Error);
        Assert.Equal(0, MemlensCli.Run("report", Path.Combine(dir, "snap")).ExitCode);
        var watch = MemlensCli.Run("watch", pid, "--interval", "100ms", "--count", "3");
        Assert.True(watch.ExitCode == 0, watch.Error);
    }
}
