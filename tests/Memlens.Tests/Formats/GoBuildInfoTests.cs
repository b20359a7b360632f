using Memlens.Formats.Elf;
using Memlens.Tests.Support;

namespace Memlens.Tests.Formats;

public class GoBuildInfoTests
{
    private static (GoBuildInfo? Info, string? Problem, IReadOnlyList<string> Endpoints) Read(string path)
    {
        using var s = File.OpenRead(path);
        var elf = ElfFile.Read(s, path);
        var info = GoBuildInfo.Read(s, elf, out var problem);
        return (info, problem, GoLinkedPackages.Find(s, elf));
    }

    [Fact]
    public void Cgo_build_says_so_with_the_toolchain_version()
    {
        var (info, problem, endpoints) = Read(SubjectBuilds.GoHttpCgo);
        Assert.Null(problem);
        Assert.StartsWith("go1.", info!.GoVersion);
        Assert.Equal(true, info.CgoEnabled);
        Assert.Equal("command-line-arguments", info.Path);
        Assert.Equal("amd64", info.Settings["GOARCH"]);
        Assert.True(info.Version!.Value.Minor >= 14);
        Assert.Contains(endpoints, e => e.StartsWith("net/http/pprof", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.StartsWith("expvar", StringComparison.Ordinal));
        Assert.DoesNotContain(endpoints, e => e.StartsWith("client_golang", StringComparison.Ordinal));
    }

    [Fact]
    public void Pure_build_has_cgo_disabled() => Assert.Equal(false, Read(SubjectBuilds.GoHttpPure).Info!.CgoEnabled);

    [Fact]
    public void A_c_binary_has_no_build_info_and_says_why()
    {
        var (info, problem, endpoints) = Read(SubjectBuilds.Threads);
        Assert.Null(info);
        Assert.Contains("no .go.buildinfo section", problem);
        Assert.Empty(endpoints);
    }

    [Theory]
    [InlineData("go1.19.8", 1, 19)]
    [InlineData("go1.22rc1", 1, 22)]
    [InlineData("devel go1.23-abc", null, null)]
    public void Versions_parse_to_major_minor(string text, int? major, int? minor)
    {
        var v = new GoBuildInfo(text, null, null, new Dictionary<string, string>()).Version;
        Assert.Equal(major, v?.Major);
        Assert.Equal(minor, v?.Minor);
    }
}
