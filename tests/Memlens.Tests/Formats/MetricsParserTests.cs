using Memlens.Formats.Metrics;
using Memlens.Tests.Support;

namespace Memlens.Tests.Formats;

public class MetricsParserTests
{
    private static string Text(string file) => File.ReadAllText(Fixtures.File("go-metrics", file));

    [Fact]
    public void Pprof_trailer_gives_every_memstats_field_and_splits_the_pairs()
    {
        var m = PprofHeapTrailer.Parse(Text("pprof-heap-debug1-churn.txt"), "test");
        Assert.Empty(m.Problems);
        foreach (var field in new[] { "Alloc", "TotalAlloc", "Sys", "Mallocs", "Frees", "HeapAlloc", "HeapSys", "HeapIdle", "HeapInuse", "HeapReleased", "HeapObjects",
                     "StackInuse", "StackSys", "MSpanInuse", "MSpanSys", "MCacheInuse", "MCacheSys", "BuckHashSys", "GCSys", "OtherSys", "NextGC", "NumGC" })
            Assert.True(m.Fields.ContainsKey(field), field);
        Assert.Equal(m["Sys"], m["HeapSys"] + m["StackSys"] + m["MSpanSys"] + m["MCacheSys"] + m["BuckHashSys"] + m["GCSys"] + m["OtherSys"]);
        // Fetched right after the churn: ~200 MiB idle, most not yet returned by the background scavenger.
        Assert.True(m["HeapIdle"] > 150UL << 20, "the churn freed ~200 MiB");
        Assert.True(m["HeapIdle"] - m["HeapReleased"] > 150UL << 20, "still backed by RAM when the page was fetched");
    }

    [Fact]
    public void Expvar_memstats_parse_with_go_field_names()
    {
        var m = ExpvarMemStats.Parse(Text("expvar-churn.json"), "test");
        Assert.Empty(m.Problems);
        Assert.Equal(m["Sys"], m["HeapSys"] + m["StackSys"] + m["MSpanSys"] + m["MCacheSys"] + m["BuckHashSys"] + m["GCSys"] + m["OtherSys"]);
        Assert.Equal(m["HeapSys"], m["HeapInuse"] + m["HeapIdle"]);
        Assert.False(m.Fields.ContainsKey("PauseNs"));   // arrays are not fields
    }

    [Fact]
    public void The_kube_proxy_prometheus_sample_maps_to_memstats()
    {
        var m = PrometheusText.Parse(Text("kube-proxy-prometheus.txt"), "kube-proxy", out var samples);
        Assert.Empty(m.Problems);
        Assert.Equal(10, samples.Count);
        Assert.Equal(4_881_872UL, m["HeapAlloc"]);
        Assert.Equal(7_331_840UL, m["HeapInuse"]);
        Assert.Equal(58_859_520UL, m["HeapIdle"]);
        Assert.Equal(57_155_584UL, m["HeapReleased"]);
        Assert.Equal(66_191_360UL, m["HeapSys"]);
        Assert.Equal(71_762_168UL, m["Sys"]);
        Assert.Null(m["GCSys"]);
    }

    [Fact]
    public void Prometheus_labels_timestamps_comments_and_memory_classes()
    {
        const string text = """
            # HELP go_memstats_sys_bytes Number of bytes obtained from system.
            # TYPE go_memstats_sys_bytes gauge
            go_memstats_sys_bytes 1.5e+07 1700000000000
            go_info{version="go1.22.1"} 1
            go_gc_duration_seconds{quantile="0.5"} 3.1e-05
            go_memory_classes_heap_released_bytes 4096
            go_memory_classes_heap_objects_bytes 8192
            """;
        var m = PrometheusText.Parse(text, "t", out var samples);
        Assert.Equal(15_000_000UL, m["Sys"]);
        Assert.Equal(4096UL, m["HeapReleased"]);
        Assert.Equal(8192UL, m["HeapAlloc"]);
        Assert.Equal(3.1e-05, samples["go_gc_duration_seconds{quantile=\"0.5\"}"]);
        Assert.Equal("/memory/classes/heap/released:bytes", PrometheusText.RuntimeMetricName("go_memory_classes_heap_released_bytes"));
    }

    [Theory]
    [InlineData("go_memstats_sys_bytes\n")]
    [InlineData("go_memstats_sys_bytes abc\n")]
    [InlineData("go_memstats_sys_bytes{a=\"b\" 1\n")]
    public void Prometheus_garbage_lines_are_reported_not_fatal(string text)
    {
        var m = PrometheusText.Parse(text, "t", out _);
        Assert.Null(m["Sys"]);
        Assert.Single(m.Problems);
    }

    [Fact]
    public void Prometheus_and_openmetrics_grammar_quoted_labels_infinities_exemplars_and_eof()
    {
        const string text = """
            go_memstats_sys_bytes 1.5e+07
            http_requests_total{path="/a}b",msg="say \"hi\"\n\\"} 7 1700000000000
            go_gc_duration_seconds{quantile="1"} +Inf
            go_gc_duration_seconds{quantile="0"} -Inf
            go_gc_duration_seconds_sum NaN
            foo_bucket{le="0.5",} 3 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789
            {"my.dotted.metric",code="200"} 12
            bar{} 4
            # UNIT foo_seconds seconds
            # EOF
            """;
        var m = PrometheusText.Parse(text, "t", out var samples);
        Assert.Empty(m.Problems);
        Assert.Equal(15_000_000UL, m["Sys"]);
        Assert.Equal(7, samples["http_requests_total{path=\"/a}b\",msg=\"say \\\"hi\\\"\\n\\\\\"}"]);
        Assert.Equal(double.PositiveInfinity, samples["go_gc_duration_seconds{quantile=\"1\"}"]);
        Assert.Equal(double.NegativeInfinity, samples["go_gc_duration_seconds{quantile=\"0\"}"]);
        Assert.True(double.IsNaN(samples["go_gc_duration_seconds_sum"]));
        Assert.Equal(3, samples["foo_bucket{le=\"0.5\",}"]);
        Assert.Equal(12, samples["my.dotted.metric{code=\"200\"}"]);
        Assert.Equal(4, samples["bar"]);
    }

    [Theory]
    [InlineData("go_memstats_sys_bytes +Inf\n")]
    [InlineData("go_memstats_sys_bytes NaN\n")]
    [InlineData("go_memstats_sys_bytes -5\n")]
    public void A_byte_count_that_is_not_one_is_not_a_field(string text)
    {
        var m = PrometheusText.Parse(text, "t", out var samples);
        Assert.Single(samples);
        Assert.Null(m["Sys"]);
    }

    [Theory]
    [InlineData("go_memstats_sys_bytes 1 2 3\n", "has something other than a timestamp")]
    [InlineData("go_memstats_sys_bytes{a=b} 1\n", "not quoted")]
    [InlineData("go_memstats_sys_bytes{a=\"b} 1\n", "unclosed quoted string")]
    [InlineData("# EOF\ngo_memstats_sys_bytes 1\n", "after # EOF")]
    public void Prometheus_lines_that_break_the_grammar_are_named(string text, string why)
    {
        var m = PrometheusText.Parse(text, "t", out _);
        Assert.Null(m["Sys"]);
        Assert.Contains(why, Assert.Single(m.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_pprof_trailer_keeps_what_came_before()
    {
        string full = Text("pprof-heap-debug1-idle.txt");
        string cut = full[..full.IndexOf("# HeapIdle", StringComparison.Ordinal)] + "# HeapId";
        var m = PprofHeapTrailer.Parse(cut, "t");
        Assert.NotNull(m["HeapSys"]);
        Assert.Null(m["HeapIdle"]);
        Assert.Contains("no ' = '", m.Problems.Single());
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("{\"memstats\": 3}")]
    [InlineData("{not json")]
    public void Garbage_pages_say_what_they_are_not(string text)
    {
        var m = RuntimeMetricsReader.Parse(text, "t");
        Assert.Empty(m.Fields);
        Assert.NotEmpty(m.Problems);
    }

    [Fact]
    public void The_reader_recognises_each_format()
    {
        Assert.Equal("pprof-heap-debug1", RuntimeMetricsReader.Parse(Text("pprof-heap-debug1-idle.txt"), "t").Format);
        Assert.Equal("expvar", RuntimeMetricsReader.Parse(Text("expvar-churn.json"), "t").Format);
        Assert.Equal("prometheus", RuntimeMetricsReader.Parse(Text("kube-proxy-prometheus.txt"), "t").Format);
    }
}
