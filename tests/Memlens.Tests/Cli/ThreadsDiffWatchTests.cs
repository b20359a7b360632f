using Memlens.Core.Analysis;
using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class ThreadsDiffWatchTests
{
    [Fact]
    public void Threads_every_thread_with_its_stack_and_guard_main_included()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var report = ChangeReportBuilder.Threads(Analyzer.Analyze(LiveProcess.Load(subject.Pid)));
        Assert.Equal(5, report.Threads.Count);
        var main = report.Threads.Single(t => t.Tid == subject.Pid);
        Assert.StartsWith("main [stack]", main.Where);
        Assert.NotNull(main.StackResident);
        foreach (var t in report.Threads.Where(t => t.Tid != subject.Pid))
        {
            Assert.StartsWith("worker-", t.Name);
            Assert.Equal("own mapping", t.Where);
            Assert.Equal(8UL << 20, t.StackSize);
            Assert.Equal(4096UL, t.GuardSize);
            Assert.True(t.StackResident >= 32UL << 10, "each worker touched 32 KiB of its stack");
            Assert.StartsWith("stack pointer 0x", t.How);
        }
    }

    [Fact]
    public void Threads_of_a_go_program_without_cgo_live_in_the_heap()
    {
        var report = ChangeReportBuilder.Threads(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-pure-http-alloc"))));
        Assert.All(report.Threads.Where(t => t.Tid != report.Process.Pid), t => Assert.Equal("inside Go heap arenas", t.Where));
    }

    [Fact]
    public void Diff_matches_owners_by_identity_and_lists_the_regions_behind_a_change()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var before = LiveProcess.Load(subject.Pid);
        var after = SnapshotSource.Load(Fixtures.Dir("c-threads"));   // the same program, another run: other addresses, other tids
        var d = ChangeReportBuilder.Diff(Analyzer.Analyze(before), Analyzer.Analyze(after), includeSame: true);
        var arenas = d.Changes.Single(c => c.Owner == "glibc malloc arenas");
        Assert.Equal(4, arenas.Before.Regions / 2);
        Assert.Equal(4, arenas.After.Regions / 2);
        Assert.Equal(0, arenas.VirtualDelta);
        Assert.Equal("moved", arenas.Change);
        Assert.Equal(8, arenas.RegionsAppeared.Count);
        Assert.Contains(d.Changes, c => c.Owner == "thread stack (worker-0)" && c.VirtualDelta == 0);
        Assert.Contains(d.Changes, c => c.Owner == "main thread stack");
    }

    [Fact]
    public void Diff_of_a_snapshot_with_itself_has_no_change()
    {
        var r = MemlensCli.Run("diff", Fixtures.Dir("c-threads"), Fixtures.Dir("c-threads"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("no owner changed", r.Out);
    }

    [Fact]
    public void Diff_json_says_what_grew()
    {
        var r = MemlensCli.Run("diff", Fixtures.Dir("go-pure-http-alloc"), Fixtures.Dir("go-cgo-churn"), "--json");
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal("memlens.diff/1", doc.RootElement.GetProperty("schema").GetString());
        var arenas = doc.RootElement.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("owner").GetString() == "Go heap arenas");
        Assert.Equal("grew", arenas.GetProperty("change").GetString());
        Assert.True(arenas.GetProperty("virtualDelta").GetInt64() > 0);
    }

    [Fact]
    public void Watch_takes_the_samples_asked_for_and_reports_changes()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var r = MemlensCli.Run("watch", subject.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "200ms", "--count", "2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("sample 1 ", r.Out);
        Assert.Contains("sample 2 ", r.Out);
        Assert.Contains("SINCE THE LAST SAMPLE", r.Out);
        Assert.DoesNotContain("sample 3 ", r.Out);
    }

    [Fact]
    public void Watch_reads_only_smaps_rollup_between_full_reads_of_a_huge_process()
    {
        using var subject = Subject.Start(SubjectBuilds.ManyMaps, "25000");
        var r = MemlensCli.Run("watch", subject.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "100ms", "--count", "2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("sample 1 ", r.Out);
        Assert.Matches(@"sample 2 \S+: RSS .* \(smaps_rollup only: 25,0\d\d mappings; full read every 10 samples\)", r.Out);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("2s", 2)]
    [InlineData("1m", 60)]
    [InlineData("3", 3)]
    public void Intervals_parse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Memlens.Cli.Commands.WatchCommandAccess.Parse(text));

    [Fact]
    public void A_bad_interval_is_a_usage_error() =>
        Assert.Equal(2, MemlensCli.Run("watch", "1", "--interval", "soon", "--count", "1").ExitCode);
}
