using System.Globalization;
using Memlens.Tests.Support;

namespace Memlens.Tests.Integration;

/// <summary>Reading a process must not change what is read: no page of the target is faulted in by memlens.</summary>
public class ObserverTests
{
    private static string Rollup(int pid) =>
        string.Join('\n', File.ReadAllLines($"/proc/{pid}/smaps_rollup").Where(l => l.StartsWith("Rss:", StringComparison.Ordinal) || l.StartsWith("Anonymous:", StringComparison.Ordinal)));

    [Fact]
    public void A_report_leaves_the_targets_resident_memory_as_it_found_it()
    {
        // Four threads whose stacks' lowest pages were never touched, and malloc'd blocks with headers to read.
        using var subject = Subject.Start(SubjectBuilds.Allocs);
        string pid = subject.Pid.ToString(CultureInfo.InvariantCulture);
        string before = Rollup(subject.Pid);
        for (int i = 0; i < 2; i++)
        {
            var r = MemlensCli.Run("report", pid, "--json");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("glibc", r.Out, StringComparison.Ordinal);   // the headers that are resident were read
        }
        Assert.Equal(before, Rollup(subject.Pid));
    }
}
