using System.Text;
using Memlens.Formats.Strace;

namespace Memlens.Tests.Formats;

public class StraceParserTests
{
    private static (List<StraceCall> Calls, List<StraceEvent> Events, StraceParser Parser) Parse(string log, bool cut = false)
    {
        var calls = new List<StraceCall>();
        var events = new List<StraceEvent>();
        var parser = new StraceParser(c => calls.Add(c.ToCall()), events.Add) { DefaultPid = 42 };
        foreach (var line in log.Split('\n')) parser.Line(Encoding.UTF8.GetBytes(line));
        parser.End(cut);
        return (calls, events, parser);
    }

    [Theory]
    [InlineData("NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", "NULL|8192|PROT_READ|PROT_WRITE|MAP_PRIVATE|MAP_ANONYMOUS|-1|0")]
    [InlineData("\"/a,b\\\",c\", [\"x\", \"y,z\"], 0x7ffd /* 3 vars */", "\"/a,b\\\",c\"|[\"x\", \"y,z\"]|0x7ffd /* 3 vars */")]
    [InlineData("{flags=CLONE_VM|CLONE_FS, stack=0x7f00, stack_size=0x7fff80} => {parent_tid=[1955]}, 88", "{flags=CLONE_VM|CLONE_FS, stack=0x7f00, stack_size=0x7fff80} => {parent_tid=[1955]}|88")]
    [InlineData("  f(1, 2) ,\t(3) , ", "f(1, 2)|(3)|")]
    [InlineData("", "")]
    public void Arguments_split_at_commas_outside_brackets_and_quotes(string args, string expected)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(args);
        var ranges = new Range[16];
        int n = StraceCallSpan.SplitArgs(bytes, ranges);
        Assert.Equal(expected, string.Join('|', ranges[..n].Select(r => System.Text.Encoding.UTF8.GetString(bytes[r]))));
    }

    [Theory]
    [InlineData("[pid  1234] mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 1234, null)]
    [InlineData("1234  mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 1234, null)]
    [InlineData("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 42, null)]
    [InlineData("1234 23:58:43.497260 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000 <0.000032>", 1234, "23:58:43.497260")]
    [InlineData("[pid 1234] 1700000000.123456 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 1234, "1700000000.123456")]
    [InlineData("23:58:43 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)        = 0x7f0000000000", 42, "23:58:43")]
    [InlineData("     0.000123 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 42, "0.000123")]
    [InlineData("23:58:43.497260 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 42, "23:58:43.497260")]
    [InlineData("23:58:43.4972601 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 42, "23:58:43.4972601")]
    [InlineData("7 23:58:43.497260  mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 7, "23:58:43.497260")]
    [InlineData("7 23:58:43:497260 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000", 7, "23:58:43:497260")]
    public void Every_prefix_form_gives_the_same_call(string line, int pid, string? time)
    {
        var c = Parse(line).Calls.Single();
        Assert.Equal(pid, c.Pid);
        Assert.Equal(time, c.Time);
        Assert.Equal("mmap", c.Name);
        Assert.Equal(6, c.Args.Count);
        Assert.Equal(0x7f0000000000L, c.ReturnValue);
    }

    [Fact]
    public void Fd_paths_raw_and_verbose_flags_decode()
    {
        var c = Parse("1 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3</usr/lib/my lib.so>, 0x26000) = 0x1000").Calls.Single();
        Assert.Equal((3L, "/usr/lib/my lib.so"), StraceValues.Fd(c.Args[4]));
        Assert.Equal(["PROT_READ", "PROT_WRITE"], StraceValues.Flags("0x3", StraceValues.ProtBits).Order());
        Assert.Equal(["PROT_READ", "PROT_WRITE"], StraceValues.Flags("0x3 /* PROT_READ|PROT_WRITE */", StraceValues.ProtBits).Order());
        Assert.Contains("MAP_STACK", StraceValues.Flags("0x20022", StraceValues.MapBits));
    }

    [Fact]
    public void Unfinished_and_resumed_interleave_per_thread()
    {
        var (calls, _, _) = Parse("""
            20467 mmap(NULL, 134217728, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0 <unfinished ...>
            20466 mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0 <unfinished ...>
            20467 <... mmap resumed>) = 0x7faf48000000
            20466 <... mmap resumed>) = 0x7faf4e54d000
            """);
        Assert.Equal(2, calls.Count);
        Assert.Equal((20467, 0x7faf48000000L), (calls[0].Pid, calls[0].ReturnValue!.Value));
        Assert.Equal((20466, 0x7faf4e54d000L), (calls[1].Pid, calls[1].ReturnValue!.Value));
        Assert.Equal("MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK", calls[1].Args[3]);
    }

    [Fact]
    public void Failed_calls_signals_exits_and_stacks()
    {
        var (calls, events, _) = Parse("""
            7 mmap(NULL, 1099511627776, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)
             > /usr/lib/x86_64-linux-gnu/libc.so.6(mmap64+0x26) [0xf1a26]
             > /tmp/a.out(main+0x1c) [0x1169]
            7 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
            7 +++ exited with 0 +++
            """);
        var c = calls.Single();
        Assert.True(c.Failed);
        Assert.Null(c.ReturnValue);
        Assert.Contains(events, e => e.Kind == "stack" && e.Text.Contains("mmap64+0x26", StringComparison.Ordinal) && e.Text.Contains("main+0x1c", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "signal");
        Assert.Contains(events, e => e.Kind == "exit" && e.Pid == 7);
    }

    [Fact]
    public void Garbage_orphans_and_a_cut_last_line_are_reported_and_reading_goes_on()
    {
        var (calls, events, parser) = Parse("""
            this is not strace
            5 <... munmap resumed>) = 0
            5 munmap(0x7f0000000000, 4096) = 0
            5 mprotect(0x7f0000000000, 4096, PROT_READ <unfinished ...>
            5 mmap(NULL, 40
            """, cut: true);
        Assert.Single(calls);
        Assert.Equal(2, parser.Garbage);   // "this is not strace", and the last line, which is cut before its result
        Assert.Contains(events, e => e.Kind == "orphan");
        Assert.Contains(events, e => e.Kind == "unfinished" && e.Text.StartsWith("mprotect", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "cut");
    }

    [Fact]
    public void Clone3_struct_arguments_stay_one_argument()
    {
        var c = Parse("20466 clone3({flags=CLONE_VM|CLONE_THREAD, stack=0x7faf4eeee000, stack_size=0x7fff80, tls=0x7faf4f6ee6c0} => {parent_tid=[20467]}, 88) = 20467").Calls.Single();
        Assert.Equal(2, c.Args.Count);
        Assert.StartsWith("{flags=CLONE_VM|CLONE_THREAD", c.Args[0]);
        Assert.Equal(20467, c.ReturnValue);
    }

    [Fact]
    public void Other_syscalls_are_skipped_without_being_garbage()
    {
        var (calls, _, parser) = Parse("1 openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n1 read(3, \"a, b) = c\", 5) = 5");
        Assert.Empty(calls);
        Assert.Equal(0, parser.Garbage);
    }

    [Fact]
    public void Stack_frames_belong_to_the_call_right_above_them()
    {
        var (_, events, _) = Parse("""
            7 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000
             > /usr/lib/x86_64-linux-gnu/libc.so.6(mmap64+0x26) [0xf1a26]
            7 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3
             > /usr/lib/x86_64-linux-gnu/libc.so.6(open64+0x1c) [0x1169]
            7 munmap(0x7f0000000000, 4096) = 0
             > /usr/lib/x86_64-linux-gnu/libc.so.6(munmap+0xb) [0x11c0]
            """);
        var stacks = events.Where(e => e.Kind == "stack").ToList();
        Assert.Equal(2, stacks.Count);
        Assert.Equal((1L, "/usr/lib/x86_64-linux-gnu/libc.so.6(mmap64+0x26) [0xf1a26]"), (stacks[0].Line, stacks[0].Text));
        Assert.Equal((5L, "/usr/lib/x86_64-linux-gnu/libc.so.6(munmap+0xb) [0x11c0]"), (stacks[1].Line, stacks[1].Text));
    }
}
