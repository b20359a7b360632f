using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Core;

public class GoRuntimeViewTests
{
    [Fact]
    public void A_snapshot_with_saved_metrics_gets_the_runtime_section_and_every_identity_holds()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-cgo-churn"))));
        var go = report.Go!;
        Assert.Equal("go1.19.8", go.Version);
        Assert.StartsWith("enabled: CGO_ENABLED=1 in .go.buildinfo", go.Cgo);
        Assert.Contains("saved in the snapshot as metrics.1.txt", go.MetricsSources.Single());
        Assert.Equal(6, go.Identities.Count);
        Assert.All(go.Identities, c => Assert.True(c.Holds, c.Name));
        var sys = go.Identities.Single(c => c.Name.StartsWith("Sys = ", StringComparison.Ordinal));
        Assert.Equal(go.MemStats["Sys"], sys.Actual);
        Assert.Equal(sys.Expected, sys.Actual);
    }

    [Fact]
    public void The_kernel_view_splits_rss_into_parts_that_sum_exactly()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-cgo-churn"))));
        var rows = report.Go!.KernelView;
        int at = rows.ToList().FindIndex(r => r.Name.StartsWith("Process RSS", StringComparison.Ordinal));
        var parts = rows.Skip(at + 1).ToList();
        Assert.Equal(5, parts.Count);
        Assert.Equal(rows[at].Bytes, (ulong)parts.Sum(p => (decimal)p.Bytes!.Value));
        Assert.Equal(report.Totals.Rss, rows[at].Bytes);
        // The churn's 200 MiB is released: Sys − HeapReleased is far below Sys.
        var sys = rows.Single(r => r.Name == "Sys").Bytes!.Value;
        var resident = rows.Single(r => r.Name == "Sys − HeapReleased").Bytes!.Value;
        Assert.True(sys - resident > 150UL << 20);
    }

    [Fact]
    public void The_kube_proxy_puzzle_is_answered_with_its_numbers()
    {
        var page = File.ReadAllText(Fixtures.File("go-metrics", "kube-proxy-prometheus.txt"));
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-cgo-http")), [("kube-proxy", page)]));
        var note = report.Go!.Notes.Single(n => n.StartsWith("the metrics give", StringComparison.Ordinal));
        Assert.Contains("HeapSys + StackSys + MSpanSys + MCacheSys = 67,256,320", note);
        Assert.Contains("Sys = 71,762,168", note);
        Assert.Contains("the other 4,505,848 bytes are BuckHashSys + GCSys + OtherSys", note);
        Assert.Contains("go_memstats_gc_sys_bytes", note);
        var heap = report.Go.Identities.Single(c => c.Name == "HeapSys = HeapInuse + HeapIdle");
        Assert.True(heap.Holds);
        Assert.Equal(66_191_360UL, heap.Actual);
    }

    [Fact]
    public void Without_metrics_it_names_the_endpoints_the_binary_links()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-cgo-http"))));
        var note = Assert.Single(report.Go!.Notes);
        Assert.Contains("net/http/pprof: GET /debug/pprof/heap?debug=1", note);
        Assert.Empty(report.Go.Identities);
        Assert.Empty(report.Go.SysTree);
    }

    [Fact]
    public void A_non_go_process_has_no_go_section_and_metrics_given_to_it_are_flagged()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("c-threads")), [("x", "go_memstats_sys_bytes 1\n")]));
        Assert.Null(report.Go);
        Assert.Contains(report.Warnings, w => w.Contains("not a Go binary", StringComparison.Ordinal));
    }
}
