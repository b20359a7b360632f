using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>Real Go servers, cgo and not, idle and after allocating and freeing ~200 MiB: every identity exactly.</summary>
public class LiveGoRuntimeTests
{
    public static TheoryData<bool, string> Cases => new() { { true, "" }, { true, "churn" }, { false, "" }, { false, "churn" } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Identities_hold_exactly_and_the_go_regions_are_labelled(bool cgo, string mode)
    {
        using var subject = Subject.Start(cgo ? SubjectBuilds.GoHttpCgo : SubjectBuilds.GoHttpPure, mode.Length == 0 ? [] : [mode]);
        string addr = subject.ReadyLine.Split(' ')[1];
        foreach (var page in new[] { $"http://{addr}/debug/pprof/heap?debug=1", $"http://{addr}/debug/vars" })
        {
            var report = ReportBuilder.Build(Analyzer.Analyze(LiveProcess.Load(subject.Pid), [(page, MetricsSource.Load(page).Text)]));
            var go = report.Go!;
            Assert.Equal(cgo, go.Cgo!.StartsWith("enabled", StringComparison.Ordinal));
            Assert.Equal(6, go.Identities.Count);
            Assert.All(go.Identities, c => Assert.True(c.Holds, $"{page}: {c.Name}: {c.Explanation}"));
            Assert.Equal(go.MemStats["Sys"], go.Identities[0].Expected);
            if (mode == "churn")
                Assert.True(go.MemStats["HeapSys"] >= 190UL << 20, "the churn grew the heap past 190 MiB");
            ulong arenas = report.Groups.Where(g => g.Owner == "Go heap arenas").Aggregate(0UL, (a, g) => a + g.Numbers.Virtual);
            Assert.True(arenas >= go.MemStats["HeapSys"], "HeapSys lives inside the arenas");
            Assert.Contains(report.Groups, g => g.Owner == "Go page-allocator summaries and scavenger index");
            Assert.Contains(report.Groups, g => g.Owner == "Go arena index and heap-arena metadata");
            Assert.DoesNotContain(report.Regions, r => r.Kind == Kinds.Go && r.Path.Length > 0);
        }
    }

    [Fact]
    public void A_reservation_of_the_summaries_size_made_by_the_program_is_not_taken_for_them()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure, ["reserve700"]);
        ulong start = Convert.ToUInt64(subject.ReadyLine.Split(' ')[2], 16), end = start + (700UL << 20);
        var analysis = Analyzer.Analyze(LiveProcess.Load(subject.Pid));
        var inside = analysis.Regions.Where(r => r.Start < end && r.End > start).ToList();
        Assert.NotEmpty(inside);
        Assert.All(inside, r => Assert.NotEqual("Go page-allocator summaries and scavenger index", r.Attribution!.Owner.Label));
    }
}
