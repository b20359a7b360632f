using Memlens.Core.Analysis;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Model;
using System.Globalization;
using System.Text.Json.Nodes;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>
/// One VMA the kernel merged from two owners' mappings. A thread stack merged with glibc's mmapped malloc chunks, as
/// kernels before 6.7 do: threads.c "merge" gives its chunks the VM_NOHUGEPAGE flag MAP_STACK mappings carry on newer
/// kernels, so the first thread's stack, mapped right below them, merges with them here too. And malloc chunks merged
/// with a mapping made before them (threads.c "table"), as a JVM's GC tables are.
/// </summary>
public class MergedVmaTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private sealed record Merged(Subject Subject, MapsEntry Vma, int Tid) : IDisposable
    {
        public void Dispose() => Subject.Dispose();
    }

    private static Merged Start()
    {
        var subject = Subject.Start(SubjectBuilds.Threads, "merge");
        var maps = MapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/maps")).Items;
        foreach (var task in Directory.GetDirectories($"/proc/{subject.Pid}/task"))
        {
            int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            if (tid == subject.Pid) continue;
            ulong sp = ulong.Parse(File.ReadAllText(Path.Combine(task, "syscall")).Split(' ')[^2][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var vma = maps.Single(m => sp >= m.Start && sp < m.End);
            if (vma.Size > 8UL << 20) return new Merged(subject, vma, tid);
        }
        subject.Dispose();
        throw new InvalidOperationException("no thread stack merged with its neighbour: the subject did not set up the merge");
    }

    [Fact]
    public void A_merged_vma_is_divided_into_the_stack_and_the_malloc_chunks_with_the_kernels_totals_intact()
    {
        using var merged = Start();
        var live = Analyzer.Analyze(LiveProcess.Load(merged.Subject.Pid));
        var report = ReportBuilder.Build(live);
        var parts = live.Regions.Where(r => r.Start >= merged.Vma.Start && r.End <= merged.Vma.End).ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(merged.Vma.Start + (8UL << 20), parts[0].End);
        Assert.Equal(merged.Tid, Assert.IsType<ThreadStackOwner>(parts[0].Attribution!.Owner).Tid);
        Assert.Equal(GlibcMmappedChunks.Instance, parts[1].Attribution!.Owner);
        Assert.Contains("divided by /proc/PID/pagemap", parts[1].Attribution!.Evidence, StringComparison.Ordinal);
        // The two parts add up to the kernel's counters for the VMA, and every identity still holds.
        var smaps = SmapsFile.Parse(File.ReadAllBytes($"/proc/{merged.Subject.Pid}/smaps")).Items.Single(e => e.Map.Start == merged.Vma.Start).Counters;
        Assert.Equal(smaps.Rss, parts[0].Counters!.Rss + parts[1].Counters!.Rss);
        Assert.Equal(smaps.Pss, parts[0].Counters!.Pss + parts[1].Counters!.Pss);
        Assert.True(parts[1].Counters!.Rss >= 4UL << 20, "the 4 MiB block is resident and lies in the upper part");
        Assert.All(report.Checks, c => Assert.True(c.Holds, c.Name));
        Assert.Equal(8UL << 20, report.Groups.Single(g => g.Owner.StartsWith($"thread {merged.Tid} (", StringComparison.Ordinal)).Numbers.Virtual - 4096);
    }

    [Fact]
    public void A_snapshot_divides_it_the_same_way_from_the_recorded_pagemap_and_without_it_keeps_the_vma_whole()
    {
        using var merged = Start();
        string snap = Path.Combine(_temp.New("memlens-merged-"), "snap");
        Assert.Equal(0, MemlensCli.Run("capture", merged.Subject.Pid.ToString(CultureInfo.InvariantCulture), "-o", snap).ExitCode);
        var loaded = Analyzer.Analyze(SnapshotSource.Load(snap));
        var parts = loaded.Regions.Where(r => r.Start >= merged.Vma.Start && r.End <= merged.Vma.End).ToList();
        Assert.Equal(["stack", "large allocations"], parts.Select(p => p.Attribution!.Detail));

        // The same snapshot without its pagemap counts: the VMA stays whole, and a warning says why.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(snap, "manifest.json")))!.AsObject();
        Assert.True(manifest["pages"]!.AsArray().Count >= 2);
        manifest.Remove("pages");
        File.WriteAllText(Path.Combine(snap, "manifest.json"), manifest.ToJsonString());
        var without = Analyzer.Analyze(SnapshotSource.Load(snap));
        var report = ReportBuilder.Build(without);
        Assert.Single(without.Regions, r => r.Start == merged.Vma.Start && r.End == merged.Vma.End);
        Assert.Contains(report.Warnings, w => w.Contains("without pagemap its resident pages cannot be divided", StringComparison.Ordinal));
    }

    [Fact]
    public void A_kernel_before_6_7_merges_a_stack_with_malloc_chunks_by_itself_and_the_snapshot_divides_it()
    {
        // c-threads-cgroup-v2 was captured inside Debian 12's 6.1 kernel (tests/fixtures/vm): there the plain subject's
        // first thread stack merged with the chunks and a 12 KiB anonymous mapping above them.
        var s = Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("c-threads-cgroup-v2")));
        var vma = MapsFile.Parse(File.ReadAllBytes(Fixtures.File("c-threads-cgroup-v2", "maps"))).Items.Single(m => m.Size > 8UL << 20 && m.Perms == "rw-p" && m.Inode == 0);
        var report = ReportBuilder.Build(s);
        var parts = s.Regions.Where(r => r.Start >= vma.Start && r.End <= vma.End).ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal("stack", parts[0].Attribution!.Detail);
        Assert.Equal(GlibcMmappedChunks.Instance, parts[1].Attribution!.Owner);
        Assert.Contains("another anonymous mapping merged into the same VMA", parts[1].Attribution!.Evidence, StringComparison.Ordinal);
        Assert.All(report.Checks, c => Assert.True(c.Holds, c.Name));
        Assert.Equal(4, report.Groups.Count(g => g.Owner.StartsWith("thread", StringComparison.Ordinal) && g.Numbers.Virtual == (8UL << 20) + 4096));
        var threads = Memlens.Core.Threads.ThreadStacks.Describe(s);
        Assert.Single(threads, t => t.Where.StartsWith("part of a VMA merged with its neighbour", StringComparison.Ordinal) && t.StackSize == 8UL << 20);
    }

    [Fact]
    public void Malloc_chunks_merged_below_another_mapping_are_cut_off_and_the_rest_is_not_called_malloc()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads, "table");
        var maps = MapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/maps")).Items;
        // The 4 MiB chunk (4 MiB + a page) and the 8 MiB table above it: one VMA of at least 12 MiB.
        var vma = maps.Single(m => m.Perms == "rw-p" && m.Inode == 0 && m.Size >= (12UL << 20) + 4096 && m.Size < 13UL << 20);
        var live = Analyzer.Analyze(LiveProcess.Load(subject.Pid));
        var parts = live.Regions.Where(r => r.Start >= vma.Start && r.End <= vma.End).ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(GlibcMmappedChunks.Instance, parts[0].Attribution!.Owner);
        Assert.Equal(vma.End - (8UL << 20), parts[0].End);
        Assert.Equal(Kinds.Unattributed, parts[1].Attribution!.Kind);
        Assert.Equal(8UL << 20, parts[1].Size);
        // The table's 16 touched pages are its resident memory; the two parts add up to the kernel's counters.
        Assert.Equal(16UL * 4096, parts[1].Counters!.Rss);
        var smaps = SmapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/smaps")).Items.Single(e => e.Map.Start == vma.Start).Counters;
        Assert.Equal(smaps.Rss, parts[0].Counters!.Rss + parts[1].Counters!.Rss);
        Assert.Contains("lie in the chunks", parts[0].Attribution!.Evidence, StringComparison.Ordinal);
        Assert.All(ReportBuilder.Build(live).Checks, c => Assert.True(c.Holds, c.Name));
    }

    [Fact]
    public void Malloc_chunks_with_a_later_mapping_merged_below_them_are_cut_off_too()
    {
        using var subject = Subject.Start(SubjectBuilds.TopChunk);
        var words = subject.ReadyLine.Split(' ');
        ulong chunk = ulong.Parse(words[1][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - 16;   // the header is 16 bytes before the pointer
        ulong below = ulong.Parse(words[2][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var maps = MapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/maps")).Items;
        var vma = maps.Single(m => m.Start <= below && below < m.End);
        Assert.True(vma.Start == below && vma.End > chunk, "the later mapping and the chunk are one VMA, the mapping at its bottom");
        var live = Analyzer.Analyze(LiveProcess.Load(subject.Pid));
        var parts = live.Regions.Where(r => r.Start >= vma.Start && r.End <= vma.End).ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(chunk, parts[1].Start);
        Assert.Equal(GlibcMmappedChunks.Instance, parts[1].Attribution!.Owner);
        Assert.Equal(132UL << 10, parts[0].Size);
        Assert.NotEqual(GlibcMmappedChunks.Instance, parts[0].Attribution!.Owner);
        var smaps = SmapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/smaps")).Items.Single(e => e.Map.Start == vma.Start).Counters;
        Assert.Equal(smaps.Rss, parts[0].Counters!.Rss + parts[1].Counters!.Rss);
        Assert.Equal(132UL << 10, parts[0].Counters!.Rss);   // every page of the later mapping was written
        Assert.All(ReportBuilder.Build(live).Checks, c => Assert.True(c.Holds, c.Name));
    }
}
