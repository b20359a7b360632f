using System.Text.Json;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Sources;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// The questions the golang-nuts post asks of a kube-proxy's statm, maps and go_memstats_* text
/// (tests/fixtures/kube-proxy-text), each with the command that answers it and the facts its answer must state.
/// </summary>
public class DocumentQuestionsTests
{
    private static string Fixture => Fixtures.Dir("kube-proxy-text");

    private static string Report(string target) => Output(MemlensCli.Run("report", target));

    private static string Output(MemlensCli.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Error);
        return string.Join(' ', r.Out.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));   // unwrapped
    }

    [Fact]
    public void Which_range_is_which_usage_both_large_anonymous_ranges_are_owned()
    {
        foreach (var target in new[] { Fixture, Fixtures.File("kube-proxy-text", "pasted.txt") })
        {
            var a = Analyzer.Analyze(TargetResolver.Load(target));
            Assert.Contains(a.Runtimes.Keys, k => k == GoModule.ModuleName);
            var arena = a.Regions.Where(r => r.Start >= 0xc000000000UL && r.End <= 0xc004000000UL).ToList();
            Assert.Equal(4, arena.Count);
            Assert.All(arena, r => Assert.Equal(GoRuntimeOwner.HeapArenas, r.Attribution!.Owner));
            Assert.All(arena, r => Assert.Equal(Confidence.Inferred, r.Attribution!.Confidence));
            var index = a.Regions.Single(r => r.Start == 0x7f4b47346000UL);
            Assert.Equal(GoRuntimeOwner.ArenaIndex, index.Attribution!.Owner);
            Assert.DoesNotContain(a.Regions, r => r.Attribution!.Kind is Kinds.Unattributed or Kinds.NativeHeap);
            // The binary's three mappings and its bss.
            Assert.Equal(["text", "rodata", "data", "bss"], a.Regions.Where(r => r.Attribution!.Owner == new FileOwner(Kinds.Image, "/usr/local/bin/kube-proxy")).Select(r => r.Attribution!.Detail));
        }
    }

    [Fact]
    public void The_other_20_MB_is_the_binarys_read_only_segment_and_data_is_the_heap_arena_and_its_index()
    {
        string text = Report(Fixture);
        Assert.Contains("text 4,026 pages (15.7 MiB) is the executable's code mapping 0x400000-0x13ba000 r-xp", text, StringComparison.Ordinal);
        Assert.Contains("data 26,265 pages (103 MiB) is every private writable mapping, stacks included (data_vm + stack_vm): Go heap arenas 64 MiB", text, StringComparison.Ordinal);
        Assert.Contains("Go arena index and heap-arena metadata 37.9 MiB (0x7f4b47346000-0x7f4b49937000 rw-p)", text, StringComparison.Ordinal);
        Assert.Contains("size − text − data = 4,916 pages (19.2 MiB) is in neither column: /usr/local/bin/kube-proxy 19.2 MiB (0x13ba000-0x26e9000 r--p)", text, StringComparison.Ordinal);
        Assert.Contains("shared 6,285 pages (24.6 MiB) is the resident pages backed by a file or shmem (RssFile + RssShmem)", text, StringComparison.Ordinal);
        // RSS from statm, and every statm column checked against the mappings.
        Assert.Contains("RSS 33.9 MiB", text, StringComparison.Ordinal);
        Assert.Contains("[ok] statm size × page = Σ region sizes", text, StringComparison.Ordinal);
        Assert.Contains("[ok] statm data × page = Σ private writable sizes", text, StringComparison.Ordinal);
        Assert.Contains("[ok] statm text × page = the executable's code mapping", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Memlens_go_works_on_the_text_and_says_why_the_sys_metrics_do_not_add_up()
    {
        string text = Output(MemlensCli.Run("go", Fixture));
        Assert.Contains("HeapSys + StackSys + MSpanSys + MCacheSys = 67,256,320, but Sys = 71,762,168: the other 4,505,848 bytes are BuckHashSys + GCSys + OtherSys", text, StringComparison.Ordinal);
        Assert.Contains("HeapInuse − HeapAlloc 2,449,968", text, StringComparison.Ordinal);
        Assert.Contains("HeapIdle − HeapReleased 1,703,936", text, StringComparison.Ordinal);
        // The arenas hold exactly HeapSys + StackSys: heap spans and goroutine stacks both come from them.
        Assert.Contains("HeapSys + StackSys 67,108,864 64 MiB runtime equal to the arenas' mapped bytes", text, StringComparison.Ordinal);
        var json = JsonDocument.Parse(MemlensCli.Run("go", Fixture, "--json").Out).RootElement;
        Assert.Equal(71762168UL, json.GetProperty("memStats").GetProperty("Sys").GetUInt64());
    }

    [Theory]
    [InlineData("go_memstats_heap_released_bytes", "a current state, not a running total")]
    [InlineData("go_memstats_heap_sys_bytes", "in-use spans, idle spans still backed by RAM, and idle spans released to the OS")]
    [InlineData("go_memstats_stack_inuse_bytes", "goroutine stacks (and, without cgo, OS thread g0 stacks), carved from the heap's arenas")]
    [InlineData("go_memstats_heap_idle_bytes", "spans that hold no objects")]
    [InlineData("go_memstats_heap_inuse_bytes", "HeapInuse")]
    public void Each_metric_is_explained(string metric, string fact) =>
        Assert.Contains(fact, Output(MemlensCli.Run("explain", metric)), StringComparison.Ordinal);
}
