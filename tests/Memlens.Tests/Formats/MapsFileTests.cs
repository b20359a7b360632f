using System.Text;
using Memlens.Formats.Procfs;

namespace Memlens.Tests.Formats;

public class MapsFileTests
{
    private static ParsedList<MapsEntry> Parse(string text) => MapsFile.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Parses_every_field_of_a_library_line()
    {
        var e = Parse("7f97cbf3b000-7f97cc091000 r-xp 00026000 fe:00 332096                     /usr/lib/x86_64-linux-gnu/libc.so.6\n").Items.Single();
        Assert.Equal(0x7f97cbf3b000UL, e.Start);
        Assert.Equal(0x7f97cc091000UL, e.End);
        Assert.Equal("r-xp", e.Perms);
        Assert.Equal(0x26000UL, e.Offset);
        Assert.Equal("fe:00", e.Device);
        Assert.Equal(332096UL, e.Inode);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc.so.6", e.Path);
        Assert.True(e.Executable && e.Readable && !e.Writable && !e.Shared && e.FileBacked && !e.NoAccess);
    }

    [Theory]
    [InlineData("00400000-00401000 r--p 00000000 08:01 42   /opt/my app/with  two spaces.bin", "/opt/my app/with  two spaces.bin")]
    [InlineData("00400000-00401000 r--p 00000000 08:01 42   /tmp/line\\012break", "/tmp/line\\012break")]
    [InlineData("7fc724650000-7fc724651000 r-xs 00000000 00:01 7   /memfd:doublemapper (deleted)", "/memfd:doublemapper (deleted)")]
    [InlineData("7ffc0505e000-7ffc0507f000 rw-p 00000000 00:00 0                          [stack]", "[stack]")]
    [InlineData("7f36b0000000-7f36b0021000 rw-p 00000000 00:00 0 ", "")]
    [InlineData("7f36b0000000-7f36b0021000 rw-p 00000000 00:00 0", "")]
    [InlineData("7f0000000000-7f0000001000 rw-p 00000000 00:00 0   [anon:my buffer]", "[anon:my buffer]")]
    public void Keeps_the_path_exactly_as_printed(string line, string path)
    {
        var e = Parse(line + "\n").Items.Single();
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void A_deleted_file_keeps_its_name_and_is_flagged()
    {
        var e = Parse("00400000-00401000 r-xp 00000000 08:01 42  /srv/app (deleted)\n").Items.Single();
        Assert.True(e.Deleted);
        Assert.Equal("/srv/app", e.FilePath);
        Assert.True(e.FileBacked);
    }

    [Fact]
    public void Anonymous_and_reservations_are_recognised()
    {
        var e = Parse("7f36b0021000-7f36b4000000 ---p 00000000 00:00 0 \n").Items.Single();
        Assert.True(e.NoAccess);
        Assert.True(e.IsAnonymous);
        Assert.Equal(0x3fdf000UL, e.Size);
    }

    [Fact]
    public void A_line_cut_short_is_skipped_and_reported_as_partial()
    {
        var r = Parse("00400000-00401000 r-xp 00000000 08:01 42 /bin/a\n00401000-0040");
        Assert.Single(r.Items);
        Assert.Contains("cut short at line 2", r.Problems.Single());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00401000-00400000 r-xp 00000000 08:01 42 /end/before/start")]
    [InlineData("zz400000-00401000 r-xp 00000000 08:01 42 /bad/hex")]
    [InlineData("00400000-00401000 r-x 00000000 08:01 42 /three/letter/perms")]
    [InlineData("00400000-00401000 r-xp 00000000 0801 42 /no/colon/in/device")]
    public void Malformed_lines_are_skipped_with_their_line_number(string bad)
    {
        var r = Parse("00400000-00401000 r-xp 00000000 08:01 42 /bin/a\n" + bad + "\n");
        Assert.Single(r.Items);
        Assert.Equal("maps line 2 is malformed and was skipped", r.Problems.Single());
    }

    [Fact]
    public void Empty_input_gives_nothing_and_no_problem()
    {
        var r = Parse("");
        Assert.Empty(r.Items);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void Parses_a_captured_maps_file_in_full()
    {
        var r = MapsFile.Parse(Support.Fixtures.Bytes("c-threads", "maps"));
        Assert.Empty(r.Problems);
        Assert.Equal(40, r.Items.Count);
        Assert.Equal("[vsyscall]", r.Items[^1].Path);
        Assert.Equal(5, r.Items.Count(i => i.Path.EndsWith("libc.so.6", StringComparison.Ordinal)));
    }
}
