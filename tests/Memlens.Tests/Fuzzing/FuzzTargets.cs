using Memlens.Formats.Jvm;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Memlens.Core;
using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Core.Sources.Files;
using Memlens.Formats;
using Memlens.Formats.Elf;
using Memlens.Formats.Metrics;
using Memlens.Formats.Procfs;
using Memlens.Formats.Strace;
using Memlens.Formats.Text;
using Memlens.Tests.Support;

namespace Memlens.Tests.Fuzzing;

/// <summary>One parser or loader under fuzzing: its real starting inputs, and how one input is fed to it.</summary>
public sealed record FuzzTarget(string Name, bool Text, Func<byte[][]> RealInputs, Action<byte[]> Run);

/// <summary>
/// Every reader of untrusted input, each started from real inputs: the captured fixtures (tests/fixtures/README.md), this
/// machine's own /proc files, binaries the suite builds, a core gdb writes and an strace log strace writes.
/// </summary>
public static class FuzzTargets
{
    private static string F(string fixture, string file) => Fixtures.File(fixture, file);
    private static readonly string[] Snapshots = ["c-threads", "c-threads-cgroup-v2", "go-cgo-http", "go-pure-http-alloc", "dotnet-subject", "go-cgo-churn"];

    private static byte[][] FromFixtures(string file) =>
        Snapshots.Select(s => F(s, file)).Where(File.Exists).Select(File.ReadAllBytes).ToArray();

    private static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);

    private static readonly byte[] PrometheusSample = """
        # HELP go_memstats_sys_bytes Number of bytes obtained from system.
        # TYPE go_memstats_sys_bytes gauge
        go_memstats_sys_bytes 1.5e+07 1700000000000
        go_gc_duration_seconds{quantile="0.5",path="a}b\"c"} 3.1e-05
        foo_bucket{le="+Inf"} 3 # {trace_id="x"} 0.67 1520879607.789
        {"dotted.name",code="200"} NaN
        # EOF

        """u8.ToArray();

    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new("maps", true, () => FromFixtures("maps"), b => Touch(MapsFile.Parse(b).Items)),
        new("smaps", true, () => FromFixtures("smaps"), b => Touch(SmapsFile.Parse(b).Items.Select(e => e.Map))),
        new("smaps_rollup", true, () => FromFixtures("smaps_rollup"), b => _ = SmapsFile.Parse(b).Items.FirstOrDefault()?.Counters.Rss),
        new("status", true, () => FromFixtures("status"), b => { var s = StatusFile.Parse(b); _ = (s.VmSize, s.VmRSS, s.Name, s.Threads); }),
        new("statm", true, () => FromFixtures("statm"), b => _ = StatmFile.Parse(b)),
        new("stat", true, () => FromFixtures("stat"), b => _ = StatFile.Parse(b)),
        new("meminfo", true, () => FromFixtures("meminfo"), b => _ = MeminfoFile.Parse(b)),
        new("cgroup-files", true, CgroupInputs, b => { _ = KeyValueFile.Parse(Utf8(b)); _ = CgroupMembership.Parse(Utf8(b)); _ = CpuList.Count(Utf8(b)); }),
        new("mountinfo", true, () => [File.ReadAllBytes("/proc/self/mountinfo")], b => _ = MountinfoFile.Parse(Utf8(b))),
        new("task-syscall", true, () => [File.ReadAllBytes("/proc/self/syscall"), "0 0x1 0x2 0x3 0x4 0x5 0x6 0x7ffd1234 0x7f0000001000\n"u8.ToArray()], b => _ = TaskSyscall.Parse(b)),
        new("elf-headers", false, ElfInputs, ReadElf),
        new("core-notes", false, CoreInputs, ReadCore),
        new("strace", true, StraceInputs, ReadStrace),
        new("prometheus", true, () => [File.ReadAllBytes(Path.Combine(Fixtures.Dir("go-metrics"), "kube-proxy-prometheus.txt")), PrometheusSample], b => RuntimeMetricsReader.Parse(Utf8(b), "fuzz")),
        new("expvar", true, () => [File.ReadAllBytes(Path.Combine(Fixtures.Dir("go-metrics"), "expvar-churn.json"))], b => ExpvarMemStats.Parse(Utf8(b), "fuzz")),
        new("pprof-trailer", true, () => Directory.GetFiles(Fixtures.Dir("go-metrics"), "pprof-*.txt").Select(File.ReadAllBytes).ToArray(), b => PprofHeapTrailer.Parse(Utf8(b), "fuzz")),
        new("hsperfdata", false, () => Directory.GetFiles(Path.Combine(Fixtures.Dir("jvm-g1"), "root", "tmp"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToArray(),
            b => { var p = PerfDataFile.Parse(b, out _); _ = p?.Number("sun.gc.generation.0.capacity"); _ = p?.String("sun.gc.policy.name"); }),
        new("nmt-summary", true, () => [File.ReadAllBytes(F("jvm-g1", "jvm-native-memory.txt"))], b => _ = NmtSummary.Parse(Utf8(b), out _)?.Categories.Count),
        new("pasted-text", true, PastedInputs, LoadPasted),
        new("snapshot-tar-gz", false, ArchiveInputs, LoadArchive),
    ];

    /// <summary>What a caller may see from bad input: one of memlens's own failures, each one line for the user.</summary>
    public static bool IsExpected(Exception e) => e is MemlensException or ElfFormatException or InputLimitException;


    private static void Touch(IEnumerable<MapsEntry> entries)
    {
        foreach (var e in entries) _ = (e.Size, e.FilePath, e.Deleted, e.FileBacked, e.IsAnonymous, e.NoAccess);
    }

    private static byte[][] CgroupInputs() =>
        Snapshots.Select(s => Path.Combine(Fixtures.Dir(s), "cgroup.d")).Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d)).Select(File.ReadAllBytes).Where(b => b.Length > 0)
            .Concat(FromFixtures("cgroup")).Concat([Encoding.ASCII.GetBytes(File.ReadAllText("/sys/devices/system/cpu/online"))]).ToArray();

    private static byte[][] ElfInputs() =>
        new[] { SubjectBuilds.Threads, SubjectBuilds.CloneVm, "/usr/bin/true" }.Select(File.ReadAllBytes).ToArray();

    private static void ReadElf(byte[] b)
    {
        using var stream = new MemoryStream(b, writable: false);
        var elf = ElfFile.Read(stream, "fuzz");
        _ = GoBuildInfo.Read(stream, elf, out _);
    }

    private static void ReadCore(byte[] b)
    {
        using var stream = new MemoryStream(b, writable: false);
        var core = ElfCoreFile.Read(stream, "fuzz");
        _ = (core.Threads.Count, core.Files.Count, core.Auxv.Count, core.Command);
    }

    private static readonly Lazy<byte[][]> Cores = new(() =>
    {
        // A gdb core of the threads subject, compacted to what this target reads: the ELF header, the program headers
        // and the notes, moved to follow them (the PT_LOAD entries are kept and point past the end, as in a core cut short).
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string dir = Directory.CreateTempSubdirectory("memlens-fuzz-core-").FullName;
        try
        {
            string prefix = Path.Combine(dir, "core");
            RealProgram.Run("gcore", "-o", prefix, subject.Pid.ToString(CultureInfo.InvariantCulture));
            string path = $"{prefix}.{subject.Pid}";
            using var stream = File.OpenRead(path);
            var header = new byte[64];
            stream.ReadExactly(header);
            long phoff = BitConverter.ToInt64(header, 32);
            int phentsize = BitConverter.ToUInt16(header, 54), phnum = BitConverter.ToUInt16(header, 56);
            var table = new byte[phentsize * phnum];
            stream.Position = phoff;
            stream.ReadExactly(table);
            var compact = new MemoryStream();
            BitConverter.GetBytes(64L).CopyTo(header, 32);   // e_phoff: right after the header
            BitConverter.GetBytes(0L).CopyTo(header, 40);    // no section headers
            BitConverter.GetBytes((ushort)0).CopyTo(header, 60);
            long at = 64 + table.Length;
            var notes = new MemoryStream();
            for (int i = 0; i < phnum; i++)
            {
                var ph = table.AsSpan(i * phentsize, phentsize);
                if (BitConverter.ToUInt32(ph) != ElfProgramHeader.PT_NOTE) continue;
                long offset = BitConverter.ToInt64(ph[8..]), size = BitConverter.ToInt64(ph[32..]);
                var bytes = new byte[size];
                stream.Position = offset;
                stream.ReadExactly(bytes);
                BitConverter.GetBytes(at + notes.Length).CopyTo(ph[8..]);
                notes.Write(bytes);
            }
            compact.Write(header);
            compact.Write(table);
            notes.Position = 0;
            notes.CopyTo(compact);
            return [compact.ToArray()];
        }
        finally { Directory.Delete(dir, recursive: true); }
    });

    private static byte[][] CoreInputs() => Cores.Value;

    private static readonly Lazy<byte[][]> StraceLogs = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("memlens-fuzz-strace-").FullName;
        try
        {
            string log = Path.Combine(dir, "log");
            RealProgram.Run("strace", "-f", "-tt", "-T", "-y", "-o", log, "--", "sh", "-c", "ls / >/dev/null & ls /usr >/dev/null; wait");
            return [File.ReadAllBytes(log)];
        }
        finally { Directory.Delete(dir, recursive: true); }
    });

    private static byte[][] StraceInputs() => StraceLogs.Value;

    private static void ReadStrace(byte[] b)
    {
        var parser = new StraceParser(_ => { }, _ => { });
        foreach (var line in b.AsSpan().Split((byte)'\n')) parser.Line(b.AsSpan(line));
        parser.End(b.Length > 0 && b[^1] != '\n');
    }

    /// <summary>What a person pastes: `tail -n +1 smaps status statm` of a captured process, and its maps alone.</summary>
    private static byte[][] PastedInputs() =>
        Snapshots.Take(3).Select(s => Encoding.UTF8.GetBytes(
                string.Concat(new[] { "smaps", "status", "statm" }.Select(f => $"==> /proc/1234/{f} <==\n{File.ReadAllText(F(s, f))}\n"))))
            .Concat(FromFixtures("maps").Take(2)).ToArray();

    private static void LoadPasted(byte[] b)
    {
        if (PastedProcText.Parse(Utf8(b)) is null) return;
        try { _ = Analyzer.Analyze(SnapshotSource.LoadPasted(Utf8(b), "fuzz")); }
        catch (Exception e) when (IsExpected(e)) { }
    }

    /// <summary>A capture's .tar.gz, made from the fixture's files as `capture -o x.tar.gz` lays them out.</summary>
    private static byte[][] ArchiveInputs()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var name in new[] { "maps", "smaps", "status", "statm", "stat", "comm", "cmdline", "smaps_rollup" })
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"snap/{name}") { DataStream = new MemoryStream(File.ReadAllBytes(F("c-threads", name))) });
        return [tar.ToArray()];
    }

    /// <summary>The tar is mutated, then compressed: a gzip stream that is corrupt is a shallow case (its checksum fails first).</summary>
    private static void LoadArchive(byte[] tar)
    {
        string path = Path.Combine(Path.GetTempPath(), $"memlens-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.tar.gz");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
            gz.Write(tar);
        try { _ = Analyzer.Analyze(SnapshotSource.Load(path)); }
        finally { File.Delete(path); }
    }

    /// <summary>Runs one input, returning the unexpected exception it raised (null when it was read or refused properly).</summary>
    public static Exception? Try(FuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception e) when (IsExpected(e)) { return null; }
        catch (Exception e) { return e; }
    }
}
