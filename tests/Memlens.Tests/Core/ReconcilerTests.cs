using Memlens.Core.Analysis;
using Memlens.Core.Accounting;
using Memlens.Core.Classification;
using Memlens.Core.Reconciliation;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Core;

public class ReconcilerTests
{
    [Theory]
    [InlineData("c-threads")]
    [InlineData("go-cgo-http")]
    [InlineData("go-pure-http-alloc")]
    [InlineData("dotnet-subject")]
    [InlineData("c-threads-cgroup-v2")]
    public void Every_identity_holds_on_a_captured_process(string fixture)
    {
        var s = SnapshotSource.Load(Fixtures.Dir(fixture));
        var checks = Reconciler.Check(s);
        Assert.Equal(14, checks.Count);
        Assert.All(checks, c => Assert.True(c.Holds, $"{c.Name}: {c.Explanation}"));
        var vsz = checks.Single(c => c.Name == "VmSize = Σ region sizes");
        Assert.Equal(0, vsz.Residual);
        // The gate page is listed only where the kernel has one (the 6.1 cloud kernel of c-threads-cgroup-v2 does not).
        bool gate = File.ReadAllText(Fixtures.File(fixture, "maps")).Contains("[vsyscall]", StringComparison.Ordinal);
        Assert.Equal(gate, vsz.Explanation.Contains("[vsyscall]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_residual_is_shown_with_its_reason()
    {
        var s = SnapshotSource.Load(Fixtures.Dir("c-threads"));
        var tampered = new Memlens.Core.Model.ProcessSnapshot
        {
            Pid = s.Pid,
            Regions = s.Regions.Take(s.Regions.Count - 2).ToList(),
            Status = s.Status,
            Statm = s.Statm,
            HasSmaps = true,
            Source = "test",
            Images = s.Images,
            Memory = s.Memory,
            PageSize = 4096,
        };
        var vsz = Reconciler.Check(tampered).Single(c => c.Name == "VmSize = Σ region sizes");
        Assert.False(vsz.Holds);
        Assert.Equal((long)s.Regions[^2].Size, vsz.Residual);
        Assert.Contains("residual +", vsz.Explanation);
    }

    [Fact]
    public void Breakdown_children_sum_to_parents_and_the_total_to_the_regions()
    {
        var s = Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("dotnet-subject")));
        var b = s.Breakdown;
        foreach (var k in b.Kinds)
        {
            Assert.Equal(k.Figures.Virtual, (ulong)k.Owners.Sum(o => (decimal)o.Figures.Virtual));
            Assert.Equal(k.Figures.Rss, (ulong)k.Owners.Sum(o => (decimal)o.Figures.Rss!.Value));
            Assert.Equal(k.Figures.Regions, k.Owners.Sum(o => o.Figures.Regions));
        }
        Assert.Equal(b.Total.Virtual, (ulong)b.Kinds.Sum(k => (decimal)k.Figures.Virtual));
        Assert.Equal(b.Total.Rss, (ulong)s.Regions.Sum(r => (decimal)r.Counters!.Rss!.Value));
        Assert.Equal(b.Total.Virtual, b.Total.ReservedOnly + b.Total.Committed);
    }
}
