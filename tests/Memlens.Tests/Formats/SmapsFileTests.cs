using System.Text;
using Memlens.Formats.Procfs;

namespace Memlens.Tests.Formats;

public class SmapsFileTests
{
    private const string OneVma = """
        7f36b0000000-7f36b0021000 rw-p 00000000 00:00 0 
        Size:                132 kB
        KernelPageSize:        4 kB
        MMUPageSize:           4 kB
        Rss:                   8 kB
        Pss:                   6 kB
        Pss_Dirty:             6 kB
        Shared_Clean:          4 kB
        Shared_Dirty:          0 kB
        Private_Clean:         0 kB
        Private_Dirty:         4 kB
        Referenced:            8 kB
        Anonymous:             4 kB
        KSM:                   0 kB
        LazyFree:              0 kB
        AnonHugePages:         0 kB
        ShmemPmdMapped:        0 kB
        FilePmdMapped:         0 kB
        Shared_Hugetlb:        0 kB
        Private_Hugetlb:       0 kB
        Swap:                 12 kB
        SwapPss:              12 kB
        Locked:                0 kB
        THPeligible:           0
        VmFlags: rd wr mr mw me nr 

        """;

    private static ParsedList<SmapsEntry> Parse(string text) => SmapsFile.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Every_counter_is_in_bytes_and_named_after_the_kernel_field()
    {
        var c = Parse(OneVma).Items.Single().Counters;
        Assert.Equal(132UL * 1024, c.Size);
        Assert.Equal(8UL * 1024, c.Rss);
        Assert.Equal(6UL * 1024, c.Pss);
        Assert.Equal(6UL * 1024, c.Pss_Dirty);
        Assert.Equal(4UL * 1024, c.Shared_Clean);
        Assert.Equal(0UL, c.Shared_Dirty);
        Assert.Equal(0UL, c.Private_Clean);
        Assert.Equal(4UL * 1024, c.Private_Dirty);
        Assert.Equal(4UL * 1024, c.Anonymous);
        Assert.Equal(0UL, c.LazyFree);
        Assert.Equal(12UL * 1024, c.Swap);
        Assert.Equal(12UL * 1024, c.SwapPss);
        Assert.Equal("rd wr mr mw me nr", c.VmFlags);
        Assert.True(c.HasFlag("nr"));
        Assert.False(c.HasFlag("n"));
    }

    [Fact]
    public void A_line_the_kernel_did_not_print_is_null_not_zero()
    {
        var c = Parse("00400000-00401000 r-xp 00000000 08:01 42 /bin/a\nSize: 4 kB\nRss: 4 kB\n").Items.Single().Counters;
        Assert.Equal(4096UL, c.Rss);
        Assert.Null(c.Pss);
        Assert.Null(c.Swap);
        Assert.Null(c.VmFlags);
    }

    [Fact]
    public void Unknown_keys_from_a_newer_kernel_are_ignored()
    {
        var r = Parse("00400000-00401000 r-xp 00000000 08:01 42 /bin/a\nSize: 4 kB\nFutureCounter: 9 kB\nRss: 4 kB\n");
        Assert.Equal(4096UL, r.Items.Single().Counters.Rss);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void A_file_cut_mid_line_keeps_what_came_before_and_says_so()
    {
        string cut = OneVma + "7f36b0021000-7f36b4000000 ---p 00000000 00:00 0 \nSize:     65404 kB\nRs";
        var r = Parse(cut);
        Assert.Equal(2, r.Items.Count);
        Assert.Equal(65404UL * 1024, r.Items[1].Counters.Size);
        Assert.Null(r.Items[1].Counters.Rss);
        Assert.Contains("cut short", r.Problems.Single());
    }

    [Fact]
    public void Counters_before_any_header_are_reported_not_attached()
    {
        var r = Parse("Rss: 4 kB\n" + OneVma);
        Assert.Single(r.Items);
        Assert.Contains("line 1", r.Problems.Single());
    }

    [Fact]
    public void Paths_with_spaces_and_deleted_suffix_survive_in_headers()
    {
        var r = Parse("00400000-00401000 r-xp 00000000 08:01 42   /opt/a b/c (deleted)\nSize: 4 kB\n");
        Assert.Equal("/opt/a b/c (deleted)", r.Items.Single().Map.Path);
    }

    [Fact]
    public void A_captured_smaps_parses_whole_and_matches_its_maps()
    {
        var smaps = SmapsFile.Parse(Support.Fixtures.Bytes("dotnet-subject", "smaps"));
        var maps = MapsFile.Parse(Support.Fixtures.Bytes("dotnet-subject", "maps"));
        Assert.Empty(smaps.Problems);
        Assert.Equal(278, smaps.Items.Count);
        Assert.All(smaps.Items, e => Assert.Equal(e.Map.Size, e.Counters.Size));
        Assert.Equal(maps.Items.Select(m => m.Start), smaps.Items.Select(s => s.Map.Start));
    }

    [Fact]
    public void The_rollup_parses_with_its_extra_pss_split()
    {
        var rollup = SmapsFile.Parse(Support.Fixtures.Bytes("c-threads", "smaps_rollup")).Items.Single();
        Assert.Equal("[rollup]", rollup.Map.Path);
        Assert.NotNull(rollup.Counters.Pss_Anon);
        Assert.NotNull(rollup.Counters.Pss_File);
        Assert.Equal(rollup.Counters.Pss, rollup.Counters.Pss_Anon + rollup.Counters.Pss_File + rollup.Counters.Pss_Shmem);
    }
}
