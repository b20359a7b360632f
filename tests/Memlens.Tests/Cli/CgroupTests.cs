using System.Text.Json;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class CgroupTests
{
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
        var dir = Directory.CreateTempSubdirectory("memlens-notcg-").FullName;
        var r = MemlensCli.Run("cgroup", dir);
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("not a memory cgroup", r.Error);
    }
}
