using System.Globalization;
using System.Text.Json;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class TopTests
{
    [Fact]
    public void Every_process_with_its_kernel_figures_and_the_meminfo_reconciliation()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure);
        var r = MemlensCli.Run("top", "--json", "-n", "100000", "--sort", "vsz");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("memlens.top/1", root.GetProperty("schema").GetString());
        var row = root.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("key").GetString()!.StartsWith($"{subject.Pid} ", StringComparison.Ordinal));
        var status = File.ReadAllLines($"/proc/{subject.Pid}/status").Single(l => l.StartsWith("VmSize:", StringComparison.Ordinal));
        ulong vmSize = ulong.Parse(status.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        Assert.Equal(vmSize, row.GetProperty("vsz").GetUInt64());
        Assert.True(row.GetProperty("reservedOnly").GetUInt64() * 2 > vmSize, "a Go process's VSZ is mostly reservations");
        Assert.True(row.GetProperty("pss").GetUInt64() > 0);
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("totals").GetProperty("processes").GetInt32(), rows.Count);
        Assert.Equal(root.GetProperty("totals").GetProperty("pss").GetUInt64(), rows.Aggregate(0UL, (a, x) => a + x.GetProperty("pss").GetUInt64()));
        Assert.Contains(root.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "Σ Pss_Anon ≈ AnonPages");
        Assert.True(root.GetProperty("meminfo").GetProperty("MemTotal").GetUInt64() > 0);
    }

    [Fact]
    public void By_program_adds_up_a_programs_processes_and_threads()
    {
        // A copy with a name of its own: other tests run `threads` subjects at the same time.
        string name = $"top{Guid.NewGuid():N}"[..12];
        string exe = Path.Combine(Directory.CreateTempSubdirectory("memlens-top-").FullName, name);
        File.Copy(SubjectBuilds.Threads, exe);
        using var a = Subject.Start(exe);
        using var b = Subject.Start(exe);
        var r = MemlensCli.Run("--by", "program", "--json", "-n", "100000");   // no command: top
        using var doc = JsonDocument.Parse(r.Out);
        var row = doc.RootElement.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("key").GetString() == name);
        Assert.Equal(2, row.GetProperty("processes").GetInt32());
        Assert.Equal(10, row.GetProperty("threads").GetInt32());
    }

    [Fact]
    public void The_terminal_view_names_the_largest_owner_of_the_top_rows()
    {
        var r = MemlensCli.Run("top", "-n", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("largest owner", r.Out);
        Assert.Contains("THE MACHINE (/proc/meminfo)", r.Out);
        Assert.Matches(@"\((image|native-heap|stack|go|dotnet|jvm|mapped-file|shared-memory|kernel|named), PSS ", r.Out);
    }
}
