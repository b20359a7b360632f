using System.Diagnostics;
using System.Globalization;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>The lines above the breakdown: which process, which file it runs.</summary>
public sealed class ReportHeaderTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_program_started_through_a_link_is_named_both_ways()
    {
        // As redis-server is a link to redis-check-rdb: the kernel names the process after the link, exe is the file.
        string link = Path.Combine(_temp.New("memlens-link-"), "napper");
        File.CreateSymbolicLink(link, "/usr/bin/sleep");
        using var sleeper = Process.Start(new ProcessStartInfo(link, "60") { UseShellExecute = false })!;
        try
        {
            var r = MemlensCli.Run("report", sleeper.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(0, r.ExitCode);
            Assert.Contains($"memlens report: napper (pid {sleeper.Id})", r.Out, StringComparison.Ordinal);
            Assert.Contains("executable: /usr/bin/sleep (started as 'napper': a link to this file, or a name the program gave itself)", r.Out, StringComparison.Ordinal);
        }
        finally { sleeper.Kill(); sleeper.WaitForExit(); }
    }

    [Fact]
    public void A_program_started_by_its_own_name_is_not_annotated()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("/usr/bin/sleep", "60") { UseShellExecute = false })!;
        try
        {
            var r = MemlensCli.Run("report", sleeper.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("executable: /usr/bin/sleep\n", r.Out, StringComparison.Ordinal);
        }
        finally { sleeper.Kill(); sleeper.WaitForExit(); }
    }
}
