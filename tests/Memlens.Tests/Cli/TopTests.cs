using System.Globalization;
using System.Text.Json;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public sealed class TopTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    public void Dispose() => _temp.Dispose();

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
        string exe = _temp.CopyNamed(SubjectBuilds.Threads, "top");
        string name = Path.GetFileName(exe);
        using var a = Subject.Start(exe);
        using var b = Subject.Start(exe);
        var r = MemlensCli.Run("--by", "program", "--json", "-n", "100000");   // no command: top
        using var doc = JsonDocument.Parse(r.Out);
        var row = doc.RootElement.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("key").GetString() == name);
        Assert.Equal(2, row.GetProperty("processes").GetInt32());
        Assert.Equal(10, row.GetProperty("threads").GetInt32());
    }

    [Fact]
    public void A_clone_vm_child_is_counted_once_and_a_forked_child_on_its_own()
    {
        string exe = _temp.CopyNamed(SubjectBuilds.CloneVm, "vm");
        string name = Path.GetFileName(exe);
        using var parent = Subject.Start(exe);
        var pids = parent.ReadyLine.Split(' ')[1..].Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        int forked = pids[0], cloned = pids[1];
        var r = MemlensCli.Run("top", "--json", "-n", "100000");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(x => int.Parse(x.GetProperty("key").GetString()!.Split(' ')[0], CultureInfo.InvariantCulture));
        // kcmp(2) says the clone child has the parent's mm: its row points there and shows no memory of its own.
        Assert.Equal(parent.Pid, rows[cloned].GetProperty("addressSpaceOf").GetInt32());
        Assert.Equal(0UL, rows[cloned].GetProperty("pss").GetUInt64());
        Assert.Equal(0UL, rows[cloned].GetProperty("rss").GetUInt64());
        Assert.Equal(JsonValueKind.Null, rows[forked].GetProperty("addressSpaceOf").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[parent.Pid].GetProperty("addressSpaceOf").ValueKind);
        Assert.True(rows[parent.Pid].GetProperty("rss").GetUInt64() > 64UL << 20, "the parent's 64 MiB block is resident");
        Assert.True(doc.RootElement.GetProperty("sharedAddressSpaces").GetInt32() >= 1);
        var all = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(doc.RootElement.GetProperty("totals").GetProperty("pss").GetUInt64(), all.Aggregate(0UL, (a, x) => a + x.GetProperty("pss").GetUInt64()));

        // By program: three processes, the block counted in the parent and (copy-on-write, shared) in the fork only.
        var byProgram = MemlensCli.Run("top", "--by", "program", "--json", "-n", "100000");
        using var grouped = JsonDocument.Parse(byProgram.Out);
        var row = grouped.RootElement.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("key").GetString() == name);
        Assert.Equal(3, row.GetProperty("processes").GetInt32());
        ulong rssOfTwo = rows[parent.Pid].GetProperty("rss").GetUInt64() + rows[forked].GetProperty("rss").GetUInt64();
        Assert.InRange(row.GetProperty("rss").GetUInt64(), rssOfTwo - (1UL << 20), rssOfTwo + (1UL << 20));   // two sweeps, a page or two apart
        var text = MemlensCli.Run("top", "-n", "100000");
        Assert.Contains($"= pid {parent.Pid}'s address space (CLONE_VM)", text.Out);
    }

    [Fact]
    public void Look_alike_processes_kcmp_cannot_compare_are_counted_twice_and_said_so()
    {
        static Memlens.Core.Machine.SweptProcess P(int pid) => new(pid, "x", null, 0, 1, null, 100, 0, 10, 10, 10, 0, 10, 0, 0, 0x1000, 0x9000);
        var unknown = Memlens.Core.Machine.SharedAddressSpaces.Mark([P(3), P(1), P(2)], (_, _) => Memlens.Core.Machine.Kcmp.Result.Unknown);
        Assert.All(unknown.Processes, p => Assert.True(p.CountsMemory));
        Assert.Equal(3, unknown.Unconfirmed);   // 2 against 1, then 3 against 1 and 2
        var same = Memlens.Core.Machine.SharedAddressSpaces.Mark([P(3), P(1), P(2)], (a, b) => a == 1 && b == 3 ? Memlens.Core.Machine.Kcmp.Result.Same : Memlens.Core.Machine.Kcmp.Result.Different);
        Assert.Equal(1, same.Shared);
        Assert.Equal(1, same.Processes.Single(p => p.Pid == 3).SharesAddressSpaceWith);
        Assert.Null(same.Processes.Single(p => p.Pid == 2).SharesAddressSpaceWith);
    }

    [Fact]
    public void With_an_interval_top_sweeps_again_and_prints_one_json_report_a_line()
    {
        var r = MemlensCli.Run("top", "--json", "--interval", "10ms", "--count", "3", "-n", "2");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l =>
        {
            using var doc = JsonDocument.Parse(l);
            Assert.Equal("memlens.top/1", doc.RootElement.GetProperty("schema").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("rows").GetArrayLength());
        });
        var bad = MemlensCli.Run("top", "--interval", "1s", "--count", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--count", bad.Error);
    }

    [Fact]
    public void The_terminal_view_names_the_largest_owner_of_the_top_rows()
    {
        var r = MemlensCli.Run("top", "-n", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("largest owner", r.Out);
        Assert.Contains("THE MACHINE (/proc/meminfo)", r.Out);
        // Any kind, unattributed too: the largest owner of a process may be memory nobody can prove (the other tests' subjects run beside this one).
        Assert.Matches($@"\(({string.Join('|', Memlens.Core.Model.Kinds.All)}), PSS ", r.Out);
    }
}
