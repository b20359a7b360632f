using System.Text;
using Memlens.Core;
using Memlens.Core.Strace;
using Memlens.Formats.Strace;
using Memlens.Tests.Support;

namespace Memlens.Tests.Core;

/// <summary>
/// A long log is scanned in blocks on a second thread and only its kept lines are replayed: the result must be the
/// one of reading it line by line, whatever falls on a block's edge.
/// </summary>
public class StraceBlocksTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    /// <summary>A real strace -f log of a shell running two programs at once (forks, execs, threads' unfinished calls).</summary>
    private string RealLog()
    {
        string log = Path.Combine(_temp.New("memlens-blocks-"), "real.log");
        RealProgram.Run("strace", "-f", "-tt", "-T", "-y", "-o", log, "--", "sh", "-c", "ls / >/dev/null & ls /usr >/dev/null; wait");
        return log;
    }

    /// <summary>Copies of a real log, one after another (each copy a new lifetime of its pids), to more than 3 blocks.</summary>
    private string LongLog(string real)
    {
        byte[] one = File.ReadAllBytes(real);
        string log = Path.Combine(Path.GetDirectoryName(real)!, "long.log");
        using var f = File.Create(log);
        while (f.Length < (3 * StraceBlocks.BlockBytes) + 12345) f.Write(one);
        return log;
    }

    private static string Summary(StraceReplayer r, long lines, long garbage) => string.Join('\n',
        r.Processes.Select(p => $"{p.Pid} {p.Exe} exited={p.Exited} {p.FirstLine}-{p.LastLine} v={p.Space.Virtual} c={p.Space.Committed} peak={p.PeakVirtual} " +
            string.Join(',', p.Space.Segments.Select(s => $"{s.Start:x}-{s.End:x} {s.Perms} {s.Path} {s.Created.Line}@{s.Created.Time}")) + " " +
            string.Join(',', p.Threads.Values.OrderBy(t => t.Tid).Select(t => $"{t.Tid}:{t.Calls}/{t.Mapped}/{t.Unmapped}/{t.Committed}/{t.Failed}"))))
        + $"\nlines={lines} garbage={garbage} dropped={r.DroppedExited}";

    [Fact]
    public void Reading_in_blocks_replays_what_reading_line_by_line_replays()
    {
        string log = LongLog(RealLog());
        var sequential = new StraceReplayer();
        var parser = new StraceParser(sequential.Call, sequential.Event);
        byte[] all = File.ReadAllBytes(log);
        var text = all.AsSpan();
        if (text[^1] == '\n') text = text[..^1];
        foreach (var line in text.Split((byte)'\n')) parser.Line(text[line]);
        parser.End(false);

        var blocks = StraceAnalysis.Run(log);

        Assert.True(blocks.Lines > 3 * StraceBlocks.BlockBytes / 200, "the log spans several blocks");
        Assert.Equal(0, blocks.Garbage);
        Assert.NotEmpty(blocks.Replayer.Processes);
        Assert.Equal(Summary(sequential, parser.Lines, parser.Garbage), Summary(blocks.Replayer, blocks.Lines, blocks.Garbage));
    }

    [Fact]
    public void A_moment_given_as_a_line_stops_the_replay_there_in_any_block()
    {
        string log = LongLog(RealLog());
        long stop = (2 * StraceBlocks.BlockBytes / 100) + 7;   // somewhere in the second or third block
        var upTo = StraceAnalysis.Run(log, stop.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(stop, upTo.Lines);
        Assert.Equal($"line {stop}", upTo.StoppedAt);
        Assert.All(upTo.Replayer.Processes, p => Assert.True(p.LastLine <= stop));
    }

    [Fact]
    public void A_NUL_byte_deep_in_a_log_is_named_by_its_line()
    {
        string dir = _temp.New("memlens-blocks-");
        string log = Path.Combine(dir, "nul.log");
        const string Line = "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n";
        int before = (2 * StraceBlocks.BlockBytes / Line.Length) + 3;
        File.WriteAllText(log, string.Concat(Enumerable.Repeat(Line, before)) + "100 munmap(0x7f00\0\n" + Line);
        var e = Assert.Throws<MemlensException>(() => StraceAnalysis.Run(log));
        Assert.Equal(ExitCode.BadInput, e.Code);
        Assert.Contains($"a NUL byte on line {before + 1:N0}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_too_long_deep_in_a_log_is_named_by_its_line()
    {
        string log = Path.Combine(_temp.New("memlens-blocks-"), "long-line.log");
        const string Line = "100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n";
        int before = (2 * StraceBlocks.BlockBytes / Line.Length) + 5;   // the long line starts in the third block
        using (var w = new StreamWriter(log))
        {
            for (int i = 0; i < before; i++) w.Write(Line);
            w.Write(new string('x', StraceLimits.MaxLineBytes + 10));
        }
        var e = Assert.Throws<MemlensException>(() => StraceAnalysis.Run(log));
        Assert.Equal(ExitCode.BadInput, e.Code);
        Assert.Contains($"line {before + 1:N0} is longer than 4 MiB", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x7f65c41a5000")]
    [InlineData("0X1cf000")]
    [InlineData("NULL")]
    [InlineData("NULL /* no hint */")]
    [InlineData("0x3 /* PROT_READ|PROT_WRITE */")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("  42  ")]
    [InlineData("8392704")]
    [InlineData("0xffffffffffffffff")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("0x")]
    [InlineData("")]
    [InlineData("12abc")]
    [InlineData("0x12g")]
    [InlineData("AT_FDCWD")]
    [InlineData("3</usr/lib/libc.so.6>")]
    public void Numbers_read_from_bytes_as_from_text(string text)
    {
        bool fromText = StraceValues.TryInteger(text, out long a);
        bool fromBytes = StraceValues.TryInteger(Encoding.ASCII.GetBytes(text), out long b);
        Assert.Equal(fromText, fromBytes);
        if (fromText) Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("PROT_READ|PROT_WRITE")]
    [InlineData("PROT_NONE")]
    [InlineData("PROT_READ|PROT_EXEC")]
    [InlineData("0x7 /* PROT_READ|PROT_WRITE|PROT_EXEC */")]
    [InlineData("MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE")]
    [InlineData("MAP_SHARED|MAP_FIXED")]
    [InlineData("MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE")]
    [InlineData("0x22")]
    [InlineData("MAP_PRIVATE|0x40000")]
    [InlineData("MAP_STACK|MAP_GROWSDOWN|MAP_ANONYMOUS|MAP_PRIVATE")]
    public void Flags_read_from_bytes_as_from_text_and_from_the_cache(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var bits = text.Contains("PROT", StringComparison.Ordinal) ? StraceValues.ProtBits : StraceValues.MapBits;
        var names = text.Contains("PROT", StringComparison.Ordinal) ? StraceValues.ProtNames : StraceValues.MapNames;
        long expected = StraceValues.Mask(text, bits);
        Assert.Equal(expected, StraceValues.Mask(bytes, names));
        var cache = new FlagMaskCache(names);
        Assert.Equal(expected, cache.Mask(bytes));
        Assert.Equal(expected, cache.Mask(bytes));   // now from the cache
    }

    [Fact]
    public void The_flag_cache_never_answers_for_another_text()
    {
        // Far more texts than slots: every answer must still be the text's own, whatever shares a slot with it.
        var cache = new FlagMaskCache(StraceValues.MapNames);
        var names = StraceValues.MapBits.Keys.ToArray();
        var texts = Enumerable.Range(1, 2000).Select(i => string.Join('|', names.Where((_, b) => (i & (1 << b)) != 0))).Where(t => t.Length > 0).ToList();
        foreach (var round in Enumerable.Range(0, 2))
            foreach (var t in texts)
                Assert.Equal(StraceValues.Mask(t, StraceValues.MapBits), cache.Mask(Encoding.ASCII.GetBytes(t)));
    }
}
