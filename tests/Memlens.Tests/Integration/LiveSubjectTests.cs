using Memlens.Core.Analysis;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Accounting;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>memlens against real processes the suite builds and starts: C with threads, Go with and without cgo, .NET.</summary>
public class LiveSubjectTests
{
    private static (ProcessAnalysis Analysis, Memlens.Reporting.Model.Report Report) Analyse(int pid)
    {
        var s = Analyzer.Analyze(LiveProcess.Load(pid));
        return (s, ReportBuilder.Build(s));
    }

    private static void AssertKernelTotalsAndCoverage(ProcessAnalysis s, Memlens.Reporting.Model.Report report)
    {
        var vsz = report.Checks.Single(c => c.Name == "VmSize = Σ region sizes");
        Assert.True(vsz.Holds, vsz.Explanation);
        Assert.Equal(s.Snapshot.Status!.VmSize, vsz.Expected);
        ulong gate = s.Regions.Where(r => r.Map.Path == "[vsyscall]").Aggregate(0UL, (a, r) => a + r.Size);
        Assert.Equal(report.Totals.Virtual, s.Snapshot.Status.VmSize + gate);
        ulong unattributed = report.Kinds.FirstOrDefault(k => k.Kind == Kinds.Unattributed)?.Numbers.Virtual ?? 0;
        Assert.True(unattributed * 100 < report.Totals.Virtual, $"unattributed {unattributed} of {report.Totals.Virtual}");
        Assert.Contains(report.Checks, c => c.Name == "VmRSS = RssAnon + RssFile + RssShmem" && c.Holds);
        Assert.Contains(report.Checks, c => c.Name == "statm size × page = VmSize" && c.Holds);
    }

    [Fact]
    public void C_program_with_threads()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var (s, report) = Analyse(subject.Pid);
        AssertKernelTotalsAndCoverage(s, report);
        Assert.Equal(5, s.Snapshot.Threads.Count);
        foreach (var t in s.Snapshot.Threads.Where(t => t.Tid != s.Snapshot.Pid))
        {
            Assert.StartsWith("worker-", t.Name);
            var stack = s.Regions.Single(r => r.Attribution!.Owner == new ThreadStackOwner(t.Tid, t.Name, false) && r.Attribution.Detail == "stack");
            Assert.True(stack.Contains(t.Syscall!.StackPointer!.Value));
            Assert.Contains(s.Regions, r => r.Attribution!.Owner == stack.Attribution!.Owner && r.Attribution.Detail == "guard" && r.End == stack.Start);
        }
        // Each worker's first malloc made an arena of its own: four 64 MiB heaps.
        Assert.Equal(4, report.Groups.Count(g => g.Owner.StartsWith("glibc malloc arena ", StringComparison.Ordinal)));
        Assert.Contains(report.Findings, f => f.Title == "glibc malloc arenas" && f.Text.Contains("4 glibc malloc arena heap(s)", StringComparison.Ordinal));
        Assert.Contains(report.Groups, g => g.Owner == "glibc malloc mmapped chunks" && g.Numbers.Rss >= 4UL << 20);
        Assert.Contains(report.Groups, g => g.Kind == Kinds.Image && g.Owner == SubjectBuilds.Threads);
    }

    [Fact]
    public void Go_http_server_with_cgo()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpCgo);
        var (s, report) = Analyse(subject.Pid);
        AssertKernelTotalsAndCoverage(s, report);
        Assert.Contains(s.Regions, r => r.Map.Path.Contains("libc.so", StringComparison.Ordinal));
        var arenas = s.Regions.Where(r => r.Attribution!.Owner == GoRuntimeOwner.HeapArenas).ToList();
        Assert.Equal(0xc000000000UL, arenas.Min(r => r.Start));
        Assert.Contains(report.Groups, g => g.Owner == "Go page-allocator summaries and scavenger index" && g.Numbers.ReservedOnly > 500UL << 20);
        Assert.Contains(report.Groups, g => g.Owner == "Go arena index and heap-arena metadata" && g.Numbers.Virtual >= 32UL << 20);
        foreach (var t in s.Snapshot.Threads.Where(t => t.Tid != s.Snapshot.Pid && t.Syscall?.StackPointer is not null))
            Assert.Contains(s.Regions, r => r.Attribution!.Owner == new ThreadStackOwner(t.Tid, t.Name, false) && r.Contains(t.Syscall!.StackPointer!.Value));
    }

    [Fact]
    public void Go_http_server_without_cgo()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure);
        var (s, report) = Analyse(subject.Pid);
        AssertKernelTotalsAndCoverage(s, report);
        Assert.DoesNotContain(s.Regions, r => r.Map.Path.Contains("libc.so", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Groups, g => g.Kind == Kinds.Unattributed);
        Assert.Contains(report.Groups, g => g.Owner == "Go heap arenas" && g.Numbers.Virtual == 64UL << 20);
        Assert.Contains(report.Groups, g => g.Owner == "Go page-allocator summaries and scavenger index");
        Assert.Single(report.Groups, g => g.Kind == Kinds.Stack);   // only the main [stack]: g0 stacks are in the Go heap
    }

    [Fact]
    public void Dotnet_program()
    {
        using var subject = Subject.Start("dotnet", SubjectBuilds.DotnetSubjectDll);
        var (s, report) = Analyse(subject.Pid);
        AssertKernelTotalsAndCoverage(s, report);
        var gc = report.Groups.Single(g => g.Owner == ".NET GC heap (regions range and bookkeeping)");
        Assert.True(gc.Numbers.ReservedOnly > 1UL << 30);
        Assert.True(gc.Numbers.Committed >= 32UL << 20, "the subject keeps 32 MiB on the GC heap");
        Assert.Contains(report.Groups, g => g.Owner == ".NET executable-memory reservation");
        foreach (var name in new[] { "subject-0", "subject-1", "subject-2" })
        {
            var t = s.Snapshot.Threads.Single(t => t.Name == name);
            Assert.Contains(report.Groups, g => g.Owner == $"thread {t.Tid} ({name})");
        }
    }

    [Fact]
    public void A_cgo_thread_on_a_goroutine_stack_still_owns_its_pthread_stack()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpCgo, "block");
        var (s, report) = Analyse(subject.Pid);
        var onGoroutines = s.Snapshot.Threads.Where(t => t.Syscall?.StackPointer is ulong sp
            && Region.Find(s.Regions, sp)?.Attribution?.Owner == Memlens.Core.Runtimes.Go.GoRuntimeOwner.HeapArenas).ToList();
        Assert.NotEmpty(onGoroutines);
        Assert.DoesNotContain(report.Findings, f => f.Title == "Stacks with no live thread");
        var finding = Assert.Single(report.Findings, f => f.Title == "Thread stacks holding no stack pointer");
        Assert.Contains("goroutine stacks", finding.Text, StringComparison.Ordinal);
        var threads = ChangeReportBuilder.Threads(s);
        Assert.All(threads.Threads.Where(t => onGoroutines.Any(g => g.Tid == t.Tid)), t =>
        {
            Assert.Contains("goroutine stack", t.How, StringComparison.Ordinal);
            Assert.DoesNotContain("no cgo", t.How, StringComparison.Ordinal);
        });
    }
}
