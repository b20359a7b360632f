using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Memlens.Core;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

/// <summary>
/// Input built to hurt (docs/limits.md): archive bombs, lying headers, corrupt cores, devices where files belong, text
/// that is not what it claims. Each gets its exit code and one line, in bounded time and memory, or a report that says
/// what it skipped.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static void AssertOneLine(MemlensCli.Result r, ExitCode code, string contains) => MemlensCli.AssertOneLine(r, code, contains);

    /// <summary>A ustar header (512 bytes) for a regular file, with whatever size it is told to claim.</summary>
    private static byte[] TarHeader(string name, long claimedSize)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(claimedSize, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(h, 136);
        h[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        for (int i = 148; i < 156; i++) h[i] = (byte)' ';
        int sum = h.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private string Gzip(string name, params byte[][] parts)
    {
        string path = Path.Combine(_temp.New("memlens-hostile-"), name);
        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        foreach (var p in parts) gz.Write(p);
        return path;
    }

    [Fact]
    public void An_archive_entry_claiming_2_GB_is_refused_before_it_is_inflated()
    {
        // What a zip bomb's header says; the bytes need not follow, the claim alone is refused.
        string path = Gzip("bomb.tar.gz", TarHeader("snap/maps", 2_000_000_000), new byte[4096]);
        long before = Process.GetCurrentProcess().PeakWorkingSet64;
        AssertOneLine(MemlensCli.Run("report", path), ExitCode.BadInput, "'snap/maps' is 2,000,000,000 bytes, more than the 1024 MiB limit");
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 256L << 20);
    }

    [Fact]
    public void An_archive_entry_holding_less_than_its_header_says_is_a_truncated_archive()
    {
        var line = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"u8.ToArray();
        string path = Gzip("short.tar.gz", TarHeader("snap/maps", 99_999_999), line);
        AssertOneLine(MemlensCli.Run("report", path), ExitCode.BadInput, "the archive is truncated");
    }

    [Fact]
    public void A_snapshot_file_over_its_limit_is_refused_before_it_is_read()
    {
        string dir = _temp.New("memlens-hostile-");
        using (var f = File.Create(Path.Combine(dir, "maps"))) f.SetLength((1L << 30) + 1);   // sparse: no disk used
        AssertOneLine(MemlensCli.Run("report", dir), ExitCode.BadInput, "more than the 1024 MiB limit for it (docs/limits.md)");
    }

    [Fact]
    public void A_core_whose_note_segment_lies_past_its_end_is_reported_as_partial()
    {
        // ELF64 little-endian ET_CORE, x86-64: PT_NOTE at offset 2^63, one PT_LOAD of a page.
        var elf = new byte[64 + (2 * 56) + 4096];
        byte[] magic = [0x7f, (byte)'E', (byte)'L', (byte)'F'];
        magic.CopyTo(elf, 0);
        elf[4] = 2; elf[5] = 1; elf[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(16), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(56), 2);
        var note = elf.AsSpan(64);
        BinaryPrimitives.WriteUInt32LittleEndian(note, 4);
        BinaryPrimitives.WriteUInt64LittleEndian(note[8..], 1UL << 63);
        BinaryPrimitives.WriteUInt64LittleEndian(note[32..], 100);
        var load = elf.AsSpan(64 + 56);
        BinaryPrimitives.WriteUInt32LittleEndian(load, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(load[4..], 6);
        BinaryPrimitives.WriteUInt64LittleEndian(load[8..], 1UL << 62);   // its bytes too are past the end
        BinaryPrimitives.WriteUInt64LittleEndian(load[16..], 0x400000);
        BinaryPrimitives.WriteUInt64LittleEndian(load[32..], 4096);
        BinaryPrimitives.WriteUInt64LittleEndian(load[40..], 4096);
        string path = Path.Combine(_temp.New("memlens-hostile-"), "core");
        File.WriteAllBytes(path, elf);
        var r = MemlensCli.Run("report", path);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("the note segment at offset 0x8000000000000000 lies past the end of the file", r.Out);
        Assert.Contains("the core is truncated: memory dumped for 0x400000", r.Out);
    }

    [Fact]
    public void A_mapping_the_kernel_could_not_print_is_skipped_and_the_total_does_not_wrap()
    {
        string dir = _temp.New("memlens-hostile-");
        File.WriteAllText(Path.Combine(dir, "maps"), "0-ffffffffffffffff rw-p 00000000 00:00 0 \n");
        AssertOneLine(MemlensCli.Run("report", dir), ExitCode.BadInput, "maps line 1 is malformed");

        File.WriteAllText(Path.Combine(dir, "maps"), """
            7f0000000000-7f0000004000 rw-p 00000000 00:00 0 
            7f0000002000-7f0000006000 rw-p 00000000 00:00 0 
            7f0000008000-7f0000009000 r--p 00000000 00:00 0 
            """);
        var r = MemlensCli.Run("report", dir, "--json");
        Assert.Equal(0, r.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal(0x5000, json.RootElement.GetProperty("totals").GetProperty("virtual").GetInt64());
        Assert.Contains(json.RootElement.GetProperty("warnings").EnumerateArray(),
            w => w.GetString()!.Contains("7f0000002000-7f0000006000 overlaps or comes before 7f0000000000-7f0000004000", StringComparison.Ordinal));
    }

    [Fact]
    public void Strace_of_something_that_is_not_a_log_says_so()
    {
        AssertOneLine(MemlensCli.Run("strace", "/dev/zero"), ExitCode.BadInput, "not an strace log (it holds binary data: a NUL byte on line 1)");
        AssertOneLine(MemlensCli.Run("strace", Environment.ProcessPath!), ExitCode.BadInput, "not an strace log");
        string dir = _temp.New("memlens-hostile-");
        string prose = Path.Combine(dir, "notes.txt");
        File.WriteAllText(prose, string.Join('\n', Enumerable.Range(1, 50).Select(i => $"note {i}: nothing to see here")) + "\n");
        AssertOneLine(MemlensCli.Run("strace", prose), ExitCode.BadInput, "not an strace log (no line of it is strace output)");
        string longLine = Path.Combine(dir, "long.txt");
        File.WriteAllText(longLine, new string('a', 5 << 20));
        AssertOneLine(MemlensCli.Run("strace", longLine), ExitCode.BadInput, "line 1 is longer than 4 MiB");
    }

    [Fact]
    public void A_log_that_ends_with_nothing_mapped_still_reports_its_process()
    {
        string log = Path.Combine(_temp.New("memlens-hostile-"), "strace.log");
        File.WriteAllText(log, """
            100 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000
            100 munmap(0x7f0000000000, 8192) = 0
            100 +++ exited with 0 +++

            """);
        var r = MemlensCli.Run("strace", log, "--json");
        Assert.Equal(0, r.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(r.Out);
        var p = Assert.Single(json.RootElement.GetProperty("processes").EnumerateArray());
        Assert.Equal(100, p.GetProperty("pid").GetInt32());
        Assert.True(p.GetProperty("exited").GetBoolean());
        Assert.Equal(0, p.GetProperty("virtual").GetInt64());
        Assert.Equal(8192, p.GetProperty("peakVirtual").GetInt64());
    }

    [Fact]
    public void A_log_implying_more_live_mappings_than_the_kernel_allows_stops_at_the_limit()
    {
        // Anonymous pages at every other page, never unmapped: they cannot merge, each is a live mapping.
        string log = Path.Combine(_temp.New("memlens-hostile-"), "strace.log");
        using (var w = new StreamWriter(log))
            for (int i = 0; i <= Memlens.Formats.Strace.StraceLimits.MaxLiveRegions; i++)
                w.Write(string.Create(CultureInfo.InvariantCulture, $"100 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x{0x100000000L + (i * 0x2000L):x}\n"));
        long before = Process.GetCurrentProcess().PeakWorkingSet64;
        AssertOneLine(MemlensCli.Run("strace", log, "--json"), ExitCode.BadInput, "would have more than 1,048,576 mappings at once");
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 2L << 30);
    }

    [Fact]
    public void A_device_where_a_file_belongs_stops_at_the_limit()
    {
        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        AssertOneLine(MemlensCli.Run("go", pid, "--metrics", "/dev/zero"), ExitCode.BadInput, "--metrics /dev/zero: larger than 64 MiB, the limit for a metrics page");
        AssertOneLine(MemlensCli.Run("report", "/dev/zero"), ExitCode.BadInput, "/dev/zero: larger than 256 MiB, the limit for pasted /proc text");
    }

    [Fact]
    public void A_kernel_thread_says_it_has_no_address_space()
    {
        // Any kernel thread this machine shows (kthreadd is pid 2 where the host's pids are visible).
        int kthread = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(int.Parse!)
            .First(pid => File.ReadLines($"/proc/{pid}/status").Any(l => l.Replace("\t", " ", StringComparison.Ordinal) == "Kthread: 1"));
        AssertOneLine(MemlensCli.Run("report", kthread.ToString(CultureInfo.InvariantCulture)), ExitCode.BadInput, "is a kernel thread: it has no user address space");
    }

    [Fact]
    public void A_zombie_says_its_memory_is_already_freed()
    {
        // A child that exits while its parent (sh, sleeping) does not reap it.
        using var parent = Process.Start(new ProcessStartInfo("sh", ["-c", "sh -c 'exit 0' & exec sleep 30"]))!;
        try
        {
            int zombie = 0;
            for (int i = 0; i < 100 && zombie == 0; i++, Thread.Sleep(50))
                zombie = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(int.Parse!)
                    .FirstOrDefault(pid => ReadOrEmpty($"/proc/{pid}/stat") is { } s && s.Contains(") Z ", StringComparison.Ordinal)
                        && s.Split(' ')[3] == parent.Id.ToString(CultureInfo.InvariantCulture));
            Assert.NotEqual(0, zombie);
            AssertOneLine(MemlensCli.Run("report", zombie.ToString(CultureInfo.InvariantCulture)), ExitCode.ProcessExited, "a zombie");
        }
        finally { parent.Kill(); parent.WaitForExit(); }
    }

    private static string? ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
    }

    [Fact]
    public void Cgroup_with_a_path_that_is_not_a_cgroup_says_what_it_is()
    {
        AssertOneLine(MemlensCli.Run("cgroup", "/nonexistent-cgroup"), ExitCode.BadInput, "/nonexistent-cgroup: no such cgroup directory or snapshot");
        AssertOneLine(MemlensCli.Run("cgroup", "/etc/passwd"), ExitCode.BadInput, "/etc/passwd is a file, not a cgroup directory");
    }
}
