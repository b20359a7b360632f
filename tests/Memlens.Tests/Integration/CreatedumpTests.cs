using Memlens.Core.Analysis;
using System.Diagnostics;
using System.Globalization;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Reporting;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>A core of the .NET subject written by the runtime's own createdump (the one beside the subject's libcoreclr.so).</summary>
public sealed class CreatedumpTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_createdump_core_is_recognised_and_its_mappings_are_the_live_ones()
    {
        using var subject = Subject.Start("dotnet", SubjectBuilds.DotnetSubjectDll);
        var maps = MapsFile.Parse(File.ReadAllBytes($"/proc/{subject.Pid}/maps")).Items;
        string coreclr = maps.First(m => m.Path.EndsWith("/libcoreclr.so", StringComparison.Ordinal)).Path;
        string core = Path.Combine(_temp.New("memlens-createdump-"), "core");
        var psi = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(coreclr)!, "createdump"), ["--withheap", "-f", core, subject.Pid.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var p = Process.Start(psi)!)
        {
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }
        var loaded = CoreSource.Load(core);
        var report = CoreReportBuilder.Build(loaded, Analyzer.Analyze(loaded.Snapshot));
        Assert.Contains(report.Warnings, w => w.StartsWith("written by .NET's createdump", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Warnings, w => w.StartsWith("written by gdb's gcore", StringComparison.Ordinal));
        // createdump's own page of diagnostic data is not the process's memory.
        Assert.Contains(report.Warnings, w => w.StartsWith("createdump's own DIAGINFOHEADER page at 0x7ffffff10000", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded.Snapshot.Regions, r => r.Start == 0x7ffffff10000);
        // A subset of the live address space: each range is covered by live mappings without a gap (createdump joins
        // adjacent ones), and a file range carries the name of the live mapping it starts in.
        foreach (var r in loaded.Snapshot.Regions)
        {
            ulong covered = r.Start;
            foreach (var m in maps.Where(m => m.End > r.Start && m.Start < r.End).OrderBy(m => m.Start))
                if (m.Start <= covered) covered = Math.Max(covered, m.End);
            Assert.True(covered >= r.End, $"{r} is not all in live mappings");
            if (r.Map.FileBacked) Assert.Equal(maps.Single(m => r.Start >= m.Start && r.Start < m.End).Path, r.Map.Path);
        }
        Assert.Contains(loaded.Snapshot.Regions, r => r.Map.FileBacked && maps.Any(m => m.Path == r.Map.Path && m.Start < r.Start));   // a part of a file mapping
        Assert.True(report.Totals.Virtual < maps.Aggregate(0UL, (a, m) => a + m.Size) / 10, "createdump leaves the GC's reservations out");
        Assert.Contains(report.Groups, g => g.Owner.EndsWith("libcoreclr.so", StringComparison.Ordinal) && g.Kind == "image");
        Assert.Contains(report.Groups, g => g.Owner.StartsWith("thread", StringComparison.Ordinal) && g.Kind == "stack");
        Assert.Equal("dotnet", report.Process.Comm);
        Assert.Equal(report.Core!.Dumped, report.Core.Owners.Aggregate(0UL, (a, o) => a + o.Dumped));
    }
}
