using System.Text.Json;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class CgroupTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_snapshots_cgroup_is_read_from_its_copies_with_the_identity_and_no_process_sums()
    {
        var r = MemlensCli.Run("cgroup", Fixtures.Dir("c-threads"), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("memlens.cgroup/1", root.GetProperty("schema").GetString());
        Assert.Equal("v1", root.GetProperty("version").GetString());
        ulong File(string name) => ulong.Parse(System.IO.File.ReadAllText(Fixtures.File("c-threads", $"cgroup.d/{name}")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var figures = root.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("bytes"));
        Assert.Equal(File("memory.usage_in_bytes"), figures["memory.usage_in_bytes"].GetUInt64());
        Assert.Equal(File("memory.kmem.usage_in_bytes"), figures["memory.kmem.usage_in_bytes"].GetUInt64());
        var check = root.GetProperty("checks").EnumerateArray().Single();
        Assert.Equal("usage_in_bytes ≈ rss + cache + kmem", check.GetProperty("name").GetString());
        Assert.True(check.GetProperty("holds").GetBoolean());
        Assert.Equal(File("memory.usage_in_bytes"), check.GetProperty("actual").GetUInt64());
        Assert.Single(root.GetProperty("processes").EnumerateArray());
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("from a snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cgroup_v2_snapshot_from_a_v2_only_kernel_with_its_identities_and_the_tmpfs_it_holds()
    {
        // Captured inside a VM whose only hierarchy is cgroup v2 (tests/fixtures/vm/make-cgroup-v2.sh): the subject
        // alone in a cgroup with memory.max 200 MiB, after 24 MiB were written there to a tmpfs file no process maps.
        const string Fixture = "c-threads-cgroup-v2";
        var r = MemlensCli.Run("cgroup", Fixtures.Dir(Fixture), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("v2", root.GetProperty("version").GetString());
        ulong File(string name) => ulong.Parse(System.IO.File.ReadAllText(Fixtures.File(Fixture, $"cgroup.d/{name}")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var stat = System.IO.File.ReadAllLines(Fixtures.File(Fixture, "cgroup.d/memory.stat")).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        var figures = root.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("bytes"));
        Assert.Equal(File("memory.current"), figures["memory.current"].GetUInt64());
        Assert.Equal(200UL << 20, figures["memory.max"].GetUInt64());
        Assert.Equal(File("memory.peak"), figures["memory.peak"].GetUInt64());
        Assert.Equal((200UL << 20) - File("memory.current"), figures["headroom (limit − usage)"].GetUInt64());
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        var identity = checks["memory.current ≈ anon + file + kernel + sock"];
        Assert.Equal(stat["anon"] + stat["file"] + stat["kernel"] + stat["sock"], identity.GetProperty("expected").GetUInt64());
        Assert.True(identity.GetProperty("holds").GetBoolean());
        // cgroup.procs held the subject alone, so its RSS is the cgroup's processes' RSS and the sum is checked.
        Assert.True(checks["anon ≈ Σ processes' RssAnon"].GetProperty("holds").GetBoolean());
        var notes = root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notes, n => n.StartsWith("from a snapshot: the captured process was the cgroup's only one", StringComparison.Ordinal));
        Assert.True(stat["shmem"] >= 24UL << 20);
        Assert.Contains(notes, n => n.StartsWith($"shmem charged to the cgroup {stat["shmem"]:N0} B", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains($"file − file_mapped = {stat["file"] - stat["file_mapped"]:N0} B", StringComparison.Ordinal));
    }

    [Fact]
    public void The_live_run_inside_the_v2_vm_found_the_cgroups_one_process_and_its_identities_held()
    {
        // What `memlens cgroup PID --json` printed live inside the VM, beside the snapshot (make-cgroup-v2.sh).
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Fixtures.File("c-threads-cgroup-v2", "expected/cgroup-in-vm.json")));
        var root = doc.RootElement;
        Assert.Equal("v2", root.GetProperty("version").GetString());
        Assert.Equal("/sys/fs/cgroup/app", root.GetProperty("directory").GetString());
        int pid = int.Parse(System.IO.File.ReadAllText(Fixtures.File("c-threads-cgroup-v2", "cgroup.d/cgroup.procs")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(pid, root.GetProperty("processes").EnumerateArray().Single().GetProperty("pid").GetInt32());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["memory.current ≈ anon + file + kernel + sock", "anon ≈ Σ processes' RssAnon"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.All(checks, c => Assert.True(c.GetProperty("holds").GetBoolean()));
    }

    [Fact]
    public void The_live_cgroup_of_this_process_lists_its_processes_and_the_identities()
    {
        var r = MemlensCli.Run("cgroup");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^memlens cgroup: /\S+ \(cgroup v[12]\)", r.Out);
        Assert.Contains("IDENTITIES", r.Out);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Out);
        Assert.Contains(r.Out.Contains("(cgroup v1)", StringComparison.Ordinal) ? "rss ≈ Σ processes' RssAnon" : "anon ≈ Σ processes' RssAnon", r.Out);
    }

    [Fact]
    public void A_directory_that_is_not_a_memory_cgroup_is_one_line()
    {
        var dir = _temp.New("memlens-notcg-");
        var r = MemlensCli.Run("cgroup", dir);
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("not a memory cgroup", r.Error);
    }
}
