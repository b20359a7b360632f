using System.Text.Json;
using System.Text.RegularExpressions;
using Memlens.Reporting.Terminal;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>
/// deploy/: the Grafana dashboard asks only for series the exporter writes, in the kinds' own colours, and the
/// DaemonSet keeps to the least privilege docs/exporter.md states.
/// </summary>
public sealed partial class DeployTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static string Deploy(string file) => Path.Combine(Fixtures.RepositoryRoot, "deploy", file);

    [Fact]
    public void The_dashboard_queries_only_series_the_exporter_writes_in_the_kinds_colours()
    {
        string dir = _temp.New("memlens-deploy-");
        Assert.Equal(0, MemlensCli.Run("exporter", "--textfile", dir, "--count", "1", "--groups", "2", "--processes", "1").ExitCode);
        var written = File.ReadAllLines(Path.Combine(dir, "memlens.prom")).Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet();
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Deploy("grafana-dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var used = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value)).ToHashSet();
        Assert.NotEmpty(used);
        Assert.Subset(written, used);
        var colours = panels.Single(p => p.GetProperty("title").GetString()!.StartsWith("RSS by kind", StringComparison.Ordinal))
            .GetProperty("fieldConfig").GetProperty("overrides").EnumerateArray()
            .ToDictionary(o => o.GetProperty("matcher").GetProperty("options").GetString()!, o => o.GetProperty("properties")[0].GetProperty("value").GetProperty("fixedColor").GetString());
        Assert.Equal(Memlens.Core.Model.Kinds.All.Order(), colours.Keys.Order());
        Assert.All(colours, c => Assert.Equal(KindColors.Rgb(c.Key), c.Value));
    }

    [Fact]
    public void The_daemonset_reads_proc_read_only_with_one_capability_and_a_memory_limit()
    {
        string yaml = File.ReadAllText(Deploy("daemonset.yaml"));
        Assert.Contains("capabilities: { drop: [ ALL ], add: [ SYS_PTRACE ] }", yaml, StringComparison.Ordinal);
        Assert.Contains("{ name: proc, mountPath: /host/proc, readOnly: true }", yaml, StringComparison.Ordinal);
        Assert.Contains("readOnlyRootFilesystem: true", yaml, StringComparison.Ordinal);
        Assert.Contains("allowPrivilegeEscalation: false", yaml, StringComparison.Ordinal);
        Assert.Matches(@"limits: \{ memory: \d+Mi \}", yaml);
        Assert.DoesNotContain("privileged: true", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("hostNetwork: true", yaml, StringComparison.Ordinal);
        Assert.Contains("args: [ \"exporter\", \"--listen\", \"0.0.0.0:9470\", \"--proc-root\", \"/host/proc\"", yaml, StringComparison.Ordinal);
        // The arguments it gives work: a /proc at another root, grouped by cgroup.
        string dir = _temp.New("memlens-deploy-");
        var r = MemlensCli.Run("exporter", "--proc-root", "/proc", "--by", "cgroup", "--textfile", dir, "--count", "1");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("memlens_group_processes{group=\"/", File.ReadAllText(Path.Combine(dir, "memlens.prom")), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bmemlens_[a-z_]+\b")]
    private static partial Regex MetricName();
}
