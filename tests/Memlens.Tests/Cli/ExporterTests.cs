using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Memlens.Cli.Serve;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>
/// `memlens exporter` on loopback with a real C subject (4 threads, 130 MiB of malloc blocks), checked by promtool,
/// scraped by a real Prometheus, and counted while hundreds of processes come and go.
/// </summary>
public sealed partial class ExporterTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _stop.Cancel();
        _owned.ForEach(o => o.Dispose());
        _http.Dispose();
        _stop.Dispose();
        _temp.Dispose();
    }

    private MetricsServer Start(ExporterScope scope)
    {
        var server = new MetricsServer(new IPEndPoint(IPAddress.Loopback, 0), scope, ProcRoot.Default);
        _owned.Add(server);
        _ = server.RunAsync(_stop.Token);
        return server;
    }

    /// <summary>The allocs subject under a name of its own, so that its group holds it alone while other tests run theirs.</summary>
    private (Subject Subject, string Group) StartAllocs()
    {
        string group = $"allocs-{Guid.NewGuid():N}"[..20];
        string copy = Path.Combine(_temp.New("memlens-exporter-subject-"), group);
        File.Copy(SubjectBuilds.Allocs, copy);
        return (Subject.Start(copy), group);
    }

    /// <summary>The samples of one metric, by their labels written as the text shows them.</summary>
    private static Dictionary<string, ulong> Series(string text, string metric) =>
        text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal))
            .ToDictionary(l => l[(metric.Length + 1)..l.LastIndexOf('}')], l => ulong.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    [Fact]
    public async Task The_series_of_a_C_subject_match_its_report_and_pass_promtool()
    {
        var (subject, group) = StartAllocs();
        using var _ = subject;
        var server = Start(new ExporterScope(Groups: 1000, Owners: 5, ProcessesPerGroup: 2));
        string text = await _http.GetStringAsync(new Uri(server.Url, "/metrics"));
        var report = JsonDocument.Parse(MemlensCli.Run("report", subject.Pid.ToString(CultureInfo.InvariantCulture), "--json").Out).RootElement;

        var kinds = Series(text, "memlens_kind_bytes");
        foreach (var kind in report.GetProperty("kinds").EnumerateArray())
        {
            string name = kind.GetProperty("kind").GetString()!;
            var numbers = kind.GetProperty("numbers");
            Assert.Equal((name, numbers.GetProperty("virtual").GetUInt64()), (name, kinds[$"group=\"{group}\",kind=\"{name}\",measure=\"virtual\""]));
            Assert.Equal((name, numbers.GetProperty("rss").GetUInt64()), (name, kinds[$"group=\"{group}\",kind=\"{name}\",measure=\"rss\""]));
        }
        Assert.True(kinds[$"group=\"{group}\",kind=\"native-heap\",measure=\"rss\""] > 100UL << 20, "the malloc heap is resident");
        var groups = Series(text, "memlens_group_bytes");
        // PSS is read at two moments (the scrape, then the report): the subject's pages shared with other processes
        // (libc's) are divided among however many map them then, so it may move by at most that shared part.
        var headline = report.GetProperty("headline");
        double shared = headline.GetProperty("rss").GetUInt64() - headline.GetProperty("uss").GetUInt64();
        Assert.InRange((double)groups[$"group=\"{group}\",measure=\"pss\""], headline.GetProperty("pss").GetUInt64() - shared, headline.GetProperty("pss").GetUInt64() + shared);
        Assert.Equal(1UL, Series(text, "memlens_group_processes")[$"group=\"{group}\""]);
        var residuals = Series(text, "memlens_reconciliation_residual_bytes").Where(r => r.Key.StartsWith($"group=\"{group}\",check=\"VmSize = ", StringComparison.Ordinal)).ToList();
        Assert.Equal(0UL, Assert.Single(residuals).Value);
        // Six owners at most for the group: the five largest and "other"; no label holds a pid or an address.
        Assert.InRange(Series(text, "memlens_owner_bytes").Keys.Count(k => k.StartsWith($"group=\"{group}\",", StringComparison.Ordinal) && k.EndsWith("measure=\"pss\"", StringComparison.Ordinal)), 1, 6);
        Assert.DoesNotContain(subject.Pid.ToString(CultureInfo.InvariantCulture) + "\"", text, StringComparison.Ordinal);

        string file = Path.Combine(_temp.New("memlens-exporter-"), "metrics.prom");
        File.WriteAllText(file, text);
        var lint = RealProgram.Run("sh", "-c", $"promtool check metrics < {file} 2>&1; echo rc=$?");
        Assert.Equal("rc=0", lint.Trim());

        using var open = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/metrics"));
        open.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0");
        using var openResponse = await _http.SendAsync(open);
        Assert.StartsWith("application/openmetrics-text", openResponse.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", await openResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_Prometheus_scrapes_it()
    {
        var (subject, group) = StartAllocs();
        using var _ = subject;
        var server = Start(new ExporterScope(Groups: 1000, Owners: 3, ProcessesPerGroup: 1));
        string dir = _temp.New("memlens-prometheus-");
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $$"""
            global: { scrape_interval: 1s, scrape_timeout: 1s }
            scrape_configs:
              - job_name: memlens
                static_configs: [ { targets: ["127.0.0.1:{{server.EndPoint.Port}}"] } ]
            """);
        var prometheus = Process.Start(new ProcessStartInfo("prometheus", [$"--config.file={dir}/prometheus.yml", $"--storage.tsdb.path={dir}/data", $"--web.listen-address=127.0.0.1:{port}"])
        { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            string query = Uri.EscapeDataString($"memlens_kind_bytes{{group=\"{group}\",kind=\"native-heap\",measure=\"rss\"}}");
            string? value = null;
            var waited = Stopwatch.StartNew();
            while (value is null && waited.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(500);
                try
                {
                    var result = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={query}")).RootElement.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() > 0) value = result[0].GetProperty("value")[1].GetString();
                }
                catch (HttpRequestException) { }   // not listening yet
            }
            Assert.NotNull(value);
            var report = JsonDocument.Parse(MemlensCli.Run("report", subject.Pid.ToString(CultureInfo.InvariantCulture), "--json").Out).RootElement;
            var heap = report.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "native-heap");
            Assert.Equal(heap.GetProperty("numbers").GetProperty("rss").GetUInt64(), ulong.Parse(value!, CultureInfo.InvariantCulture));
            var up = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query=up")).RootElement.GetProperty("data").GetProperty("result");
            Assert.Equal("1", up[0].GetProperty("value")[1].GetString());
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit(10_000);
            prometheus.Dispose();
        }
    }

    [Fact]
    public async Task The_number_of_series_stays_under_its_bound_while_processes_churn()
    {
        string script = "while :; do i=0; while [ $i -lt 500 ]; do sleep 0.$((i % 5 + 1)) & i=$((i+1)); done; wait; done";
        var spawner = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false })!;
        try
        {
            var scope = new ExporterScope(Groups: 10, Owners: 5, ProcessesPerGroup: 3);
            var server = Start(scope);
            Assert.True(SpinWait.SpinUntil(() => Directory.GetDirectories("/proc").Length > 100, TimeSpan.FromSeconds(30)));
            for (int i = 0; i < 3; i++)
            {
                string text = await _http.GetStringAsync(new Uri(server.Url, "/metrics"));
                int series = text.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
                Assert.InRange(series, 10, scope.MaxSeries);
                Assert.InRange(Series(text, "memlens_group_processes").Count, 2, 11);   // ten groups at most, and "other"
                Assert.DoesNotMatch(PidLabel(), text);
            }
        }
        finally
        {
            spawner.Kill(entireProcessTree: true);
            spawner.WaitForExit(10_000);
            spawner.Dispose();
        }
    }

    [Fact]
    public void The_textfile_is_written_whole_and_the_command_line_is_checked()
    {
        string dir = _temp.New("memlens-textfile-");
        var r = MemlensCli.Run("exporter", "--textfile", dir, "--count", "1", "--groups", "3");
        Assert.Equal(0, r.ExitCode);
        string text = File.ReadAllText(Path.Combine(dir, "memlens.prom"));
        Assert.Contains("# TYPE memlens_group_bytes gauge", text, StringComparison.Ordinal);
        Assert.Equal(4, Series(text, "memlens_group_processes").Count);
        Assert.Equal(["memlens.prom"], Directory.GetFiles(dir).Select(Path.GetFileName));
        MemlensCli.AssertOneLine(MemlensCli.Run("exporter", "--textfile", Path.Combine(dir, "missing")), Memlens.Core.ExitCode.OutputFailed, "no such directory");
        MemlensCli.AssertOneLine(MemlensCli.Run("exporter", "--groups", "0"), Memlens.Core.ExitCode.Usage, "--groups 0");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\bpid=""")]
    private static partial Regex PidLabel();
}
