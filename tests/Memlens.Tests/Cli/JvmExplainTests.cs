using Memlens.Core.Runtimes.Jvm;
using Memlens.Formats.Jvm;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>`memlens explain` for the JVM: its perf-data counters and every Native Memory Tracking category.</summary>
public sealed class JvmExplainTests
{
    [Theory]
    [InlineData("sun.gc.generation.1.capacity", "sun.gc.generation.N.capacity", "jvm_memory_committed_bytes{area=\"heap\"}")]
    [InlineData("sun.gc.generation.0.space.2.used", "sun.gc.generation.N.space.M.used", "jvm_memory_used_bytes{area=\"heap\"}")]
    [InlineData("jvm_memory_max_bytes{area=\"heap\"}", "sun.gc.generation.N.maxCapacity", "jvm_memory_max_bytes{area=\"heap\"}")]
    [InlineData("Java Heap", "NMT Java Heap", null)]
    public void A_counter_a_category_or_a_prometheus_metric_is_explained(string asked, string field, string? prometheus)
    {
        var r = MemlensCli.Run("explain", asked, "--json");
        Assert.Equal(0, r.ExitCode);
        var json = System.Text.Json.JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("jvm", json.GetProperty("runtime").GetString());
        Assert.Equal(field, json.GetProperty("field").GetString());
        Assert.Equal(prometheus, json.GetProperty("prometheus").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("counts").GetString()));
    }

    [Fact]
    public void Every_category_of_a_real_nmt_summary_is_explained()
    {
        var nmt = NmtSummary.Parse(File.ReadAllText(Fixtures.File("jvm-g1", "jvm-native-memory.txt")), out _);
        Assert.NotNull(nmt);
        Assert.True(nmt.Categories.Count >= 15);
        Assert.All(nmt.Categories, c => Assert.True(JvmGlossary.Find(c.Name) is not null, $"NMT category '{c.Name}' has no explanation"));
    }

    [Fact]
    public void A_go_name_is_still_go_and_an_unknown_name_says_what_is_known()
    {
        Assert.Contains("runtime.MemStats.HeapIdle", MemlensCli.Run("explain", "HeapIdle").Out, StringComparison.Ordinal);
        MemlensCli.AssertOneLine(MemlensCli.Run("explain", "frobnicate"), Memlens.Core.ExitCode.Usage, "NMT category");
    }
}
