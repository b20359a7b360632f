using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>Builds a <see cref="ProcessSnapshot"/> from a /proc/PID-shaped directory.</summary>
internal static class SnapshotLoader
{
    public static ProcessSnapshot Load(ProcDirectory dir, int pid, string source, bool live, string? exe,
        ulong pageSize, string? kernel, DateTimeOffset? capturedAt,
        Func<IReadOnlyList<Region>, IImageInspector> images, IMemoryProbe memory)
    {
        // Status is read on both sides of smaps: if VmSize moved, the process changed its mappings mid-read,
        // and the identities would fail for a reason that is not a bug. Retry a few times, then say so.
        StatusFile? status = null;
        ParsedList<SmapsEntry>? smaps = null;
        ParsedList<MapsEntry>? maps = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var before = Parse(dir.Read("status"), b => StatusFile.Parse(b));
            smaps = dir.ReadSmaps();
            if (smaps is null)
            {
                dir.Warnings.Add("smaps: not available; RSS, PSS, private and swap per region are unknown (maps used instead)");
                var mapsBytes = dir.Read("maps", warnIfMissing: false) ?? throw Missing(dir, live);
                maps = MapsFile.Parse(mapsBytes);
            }
            status = live ? Parse(dir.Read("status"), b => StatusFile.Parse(b)) : before;
            if (!live || before?.VmSize == status?.VmSize) break;
            if (attempt == 2) dir.Warnings.Add("the process changed its mappings while it was read (VmSize moved); small residuals in the checks may come from that");
            else dir.Warnings.RemoveAll(w => w.StartsWith("smaps: not available", StringComparison.Ordinal));
        }

        var regions = new List<Region>();
        IReadOnlyList<string> problems;
        if (smaps is not null)
        {
            foreach (var e in smaps.Items) regions.Add(new Region(regions.Count, e.Map, e.Counters));
            problems = smaps.Problems;
        }
        else
        {
            foreach (var m in maps!.Items) regions.Add(new Region(regions.Count, m, null));
            problems = maps.Problems;
        }
        if (regions.Count == 0 && live) throw new MemlensException(ExitCode.ProcessExited, $"process {pid} has no mappings (it exited, or is a kernel thread)");
        if (regions.Count == 0) throw new MemlensException(ExitCode.BadInput, $"{source}: no mappings could be read (maps/smaps empty or corrupt)");
        foreach (var p in problems) dir.Warnings.Add(p + " (the report is partial)");

        var runtimeFiles = RuntimeFiles(dir, regions);
        var cmdline = dir.Read("cmdline", warnIfMissing: false);
        var comm = dir.Read("comm", warnIfMissing: false);
        var cgroup = dir.Read("cgroup", warnIfMissing: false);
        var rollup = dir.Read("smaps_rollup", warnIfMissing: false);
        var snapshot = new ProcessSnapshot
        {
            Pid = pid,
            Comm = comm is null ? status?.Name : System.Text.Encoding.UTF8.GetString(comm).TrimEnd('\n'),
            Exe = exe ?? (live ? null : ExecutableFromMaps(regions, dir.Warnings)),
            Cmdline = cmdline is null ? [] : System.Text.Encoding.UTF8.GetString(cmdline).Split('\0', StringSplitOptions.RemoveEmptyEntries),
            Regions = regions,
            HasSmaps = smaps is not null,
            Status = status,
            Statm = Parse(dir.Read("statm"), b => StatmFile.Parse(b)),
            Stat = Parse(dir.Read("stat"), b => StatFile.Parse(b)),
            Rollup = rollup is null ? null : SmapsFile.Parse(rollup).Items.FirstOrDefault()?.Counters,
            Threads = dir.ReadThreads(),
            Cgroups = cgroup is null ? [] : CgroupMembership.Parse(System.Text.Encoding.UTF8.GetString(cgroup)),
            PageSize = pageSize,
            KernelRelease = kernel,
            Source = source,
            IsLive = live,
            CapturedAt = capturedAt,
            Images = images(regions),
            Memory = memory,
            RawFiles = dir.Raw,
            RuntimeFiles = runtimeFiles,
            Warnings = dir.Warnings.Distinct().ToList(),
        };
        return snapshot;
    }

    /// <summary>
    /// A copy of /proc files without exe (pasted text, a plain copy): the executable is the file of the lowest
    /// executable file mapping, where the kernel maps it below its libraries. Said in a warning, since it is inferred.
    /// </summary>
    private static string? ExecutableFromMaps(IReadOnlyList<Region> regions, List<string> warnings)
    {
        var code = regions.Where(r => r.Map.FileBacked && r.Map.Executable && r.Map.Path.StartsWith('/')).MinBy(r => r.Start);
        if (code is null) return null;
        warnings.Add($"the executable's path was not recorded: taken to be {code.Map.FilePath}, the file of the lowest executable mapping");
        return code.Map.FilePath;
    }

    /// <summary>
    /// HotSpot's perf-data file, which the JVM maps (rw-s /tmp/hsperfdata_USER/PID) for jstat to read: read through
    /// /proc/PID/root so a JVM in a container is read in its own mount namespace; a snapshot holds the same path.
    /// </summary>
    private static Dictionary<string, byte[]> RuntimeFiles(ProcDirectory dir, IReadOnlyList<Region> regions)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var perf = regions.FirstOrDefault(r => r.Map.Shared && r.Map.FilePath.StartsWith("/tmp/hsperfdata_", StringComparison.Ordinal));
        if (perf is not null && dir.Read("root" + perf.Map.FilePath, warnIfMissing: false, text: false) is { Length: > 0 and <= Formats.Jvm.PerfDataFile.MaxBytes } bytes)
            files["hsperfdata"] = bytes;
        return files;
    }

    private static T? Parse<T>(byte[]? bytes, Func<byte[], T?> parse) where T : class => bytes is null ? null : parse(bytes);

    private static MemlensException Missing(ProcDirectory dir, bool live)
    {
        if (dir.Warnings.Any(w => w.Contains("permission denied", StringComparison.Ordinal)))
            return new MemlensException(ExitCode.PermissionDenied, $"{dir.Root}/maps: permission denied (run as the process's user or root)");
        return live
            ? new MemlensException(ExitCode.ProcessExited, $"{dir.Root}: the process exited before its mappings could be read")
            : new MemlensException(ExitCode.BadInput, $"{dir.Root}: no maps or smaps file; this is not a memlens snapshot or a copy of /proc/PID");
    }
}
