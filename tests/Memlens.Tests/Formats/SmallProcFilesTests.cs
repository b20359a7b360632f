using System.Text;
using Memlens.Formats.Procfs;

namespace Memlens.Tests.Formats;

public class StatFileTests
{
    [Theory]
    [InlineData("1234 (a)))b) S 1 1234", "a)))b")]
    [InlineData("1234 (x) S) S 1 1234", "x) S")]
    [InlineData("1234 (my prog) S 1 1234", "my prog")]
    [InlineData("1234 (() S 1 1234", "(")]
    [InlineData("1234 () S 1 1234", "")]
    public void Comm_is_between_the_first_open_and_the_last_close_paren(string line, string comm)
    {
        var s = StatFile.Parse(Encoding.UTF8.GetBytes(line + "\n"))!;
        Assert.Equal(1234, s.Pid);
        Assert.Equal(comm, s.Comm);
        Assert.Equal('S', s.State);
        Assert.Equal(1UL, s.Field(4));
    }

    [Fact]
    public void Reads_code_range_and_stack_start_from_a_captured_stat()
    {
        var s = StatFile.Parse(Support.Fixtures.Bytes("c-threads", "stat"))!;
        Assert.Equal("threads", s.Comm);
        Assert.Equal(5UL, s.NumThreads);
        Assert.True(s.EndCode > s.StartCode);
        Assert.NotNull(s.StartStack);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no parens here")]
    [InlineData("x (a) S")]
    [InlineData("12 (a) LONGSTATE 1")]
    public void Garbage_is_null_not_an_exception(string text) => Assert.Null(StatFile.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Unlimited_rsslim_does_not_stop_the_parse()
    {
        var s = StatFile.Parse("5 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -20 0 1 0 100 200 300 18446744073709551615 4096 8192 777"u8)!;
        Assert.Equal(ulong.MaxValue, s.Field(25));
        Assert.Equal(unchecked((ulong)-20L), s.Field(18));
        Assert.Equal(777UL, s.StartStack);
    }

    [Fact]
    public void Missing_trailing_fields_are_null()
    {
        var s = StatFile.Parse("5 (x) R 1 2 3"u8)!;
        Assert.Equal(3UL, s.Field(6));
        Assert.Null(s.Field(28));
    }
}

public class StatusFileTests
{
    [Fact]
    public void Memory_lines_are_bytes_and_absent_lines_are_null()
    {
        var s = StatusFile.Parse(Support.Fixtures.Bytes("c-threads", "status"));
        Assert.Equal("threads", s.Name);
        Assert.Equal(5, s.Threads);
        Assert.Equal(s.VmRSS, s.RssAnon + s.RssFile + s.RssShmem);
        Assert.Equal(0UL, s.VmSize % 4096);
        Assert.Null(s.Bytes("NoSuchLine"));
    }

    [Fact]
    public void A_name_with_spaces_and_odd_values_parse()
    {
        var s = StatusFile.Parse("Name:\tmy prog\nVmSize:\t  1024 kB\nVmRSS:\tnotanumber kB\n"u8);
        Assert.Equal("my prog", s.Name);
        Assert.Equal(1024UL * 1024, s.VmSize);
        Assert.Null(s.VmRSS);
    }
}

public class StatmFileTests
{
    [Fact]
    public void Seven_columns_in_pages()
    {
        var s = StatmFile.Parse("35207 8684 6285 4026 0 26265 0\n"u8)!;
        Assert.Equal(new StatmFile(35207, 8684, 6285, 4026, 0, 26265, 0), s);
    }

    [Theory]
    [InlineData("1 2 3")]
    [InlineData("a b c d e f g")]
    [InlineData("")]
    public void Short_or_garbage_is_null(string text) => Assert.Null(StatmFile.Parse(Encoding.UTF8.GetBytes(text)));
}

public class TaskSyscallTests
{
    [Fact]
    public void Blocked_in_a_syscall_gives_the_stack_pointer_second_to_last()
    {
        var s = TaskSyscall.Parse("230 0x0 0x0 0x7fff5740aed0 0x7fff5740af10 0x0 0x0 0x7fff5740aeb8 0x7f44b580f503\n"u8)!;
        Assert.False(s.Running);
        Assert.Equal(230, s.Number);
        Assert.Equal(0x7fff5740aeb8UL, s.StackPointer);
        Assert.Equal(0x7f44b580f503UL, s.ProgramCounter);
    }

    [Fact]
    public void Blocked_outside_a_syscall_has_three_fields()
    {
        var s = TaskSyscall.Parse("-1 0x7ffd00001000 0x401000\n"u8)!;
        Assert.Equal(-1, s.Number);
        Assert.Equal(0x7ffd00001000UL, s.StackPointer);
    }

    [Fact]
    public void Running_has_no_stack_pointer()
    {
        var s = TaskSyscall.Parse("running\n"u8)!;
        Assert.True(s.Running);
        Assert.Null(s.StackPointer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("230 0x0 0x0 0x0 0x0 0x0 0x0 zz 0x1")]
    public void Garbage_is_null(string text) => Assert.Null(TaskSyscall.Parse(Encoding.UTF8.GetBytes(text)));
}

public class CgroupMembershipTests
{
    [Fact]
    public void On_a_hybrid_host_the_v1_memory_line_wins()
    {
        var lines = CgroupMembership.Parse(File.ReadAllText(Support.Fixtures.File("c-threads", "cgroup")));
        var m = CgroupMembership.Memory(lines)!;
        Assert.Equal("memory", m.Controllers);
        Assert.False(m.IsV2);
        Assert.StartsWith("/", m.Path);
    }

    [Fact]
    public void A_pure_v2_host_uses_the_zero_line()
    {
        var m = CgroupMembership.Memory(CgroupMembership.Parse("0::/system.slice/app.service\n"))!;
        Assert.True(m.IsV2);
        Assert.Equal("/system.slice/app.service", m.Path);
    }
}

public class CpuListTests
{
    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,5,7-8", 7)]
    public void A_cpu_list_counts_its_cpus(string text, int count) => Assert.Equal(count, Memlens.Formats.Procfs.CpuList.Count(text));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("0-99999999")]
    [InlineData("1--2")]
    public void Garbage_is_not_a_cpu_list(string text) => Assert.Null(Memlens.Formats.Procfs.CpuList.Count(text));
}
