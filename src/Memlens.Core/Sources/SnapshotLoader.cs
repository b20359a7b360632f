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
        // The rollup walks every page table again: when smaps is long, it is read beside smaps, not after it.
        Task<(ProcFileReader.Outcome Outcome, byte[] Bytes)>? rollupAside = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var before = Parse(dir.Read("status"), b => StatusFile.Parse(b));
            try
            {
                smaps = dir.ReadSmaps(onLong: () => rollupAside ??= dir.ReadAside("smaps_rollup"));
                if (smaps is null)
                {
                    dir.Warnings.Add("smaps: not available; RSS, PSS, private and swap per region are unknown (maps used instead)");
                    var mapsBytes = dir.Read("maps", warnIfMissing: false) ?? throw Missing(dir, live);
                    maps = MapsFile.Parse(mapsBytes);
                }
            }
            catch (Formats.InputLimitException e) { throw new MemlensException(ExitCode.BadInput, $"{source}: {e.Message}"); }
            status = live ? Parse(dir.Read("status"), b => StatusFile.Parse(b)) : before;
            if (!live || before?.VmSize == status?.VmSize) break;
            if (attempt == 2) dir.Warnings.Add("the process changed its mappings while it was read (VmSize moved); small residuals in the checks may come from that");
            else dir.Warnings.RemoveAll(w => w.StartsWith("smaps: not available", StringComparison.Ordinal));
        }

        var regions = new List<Region>();
        var skipped = new List<string>();
        if (smaps is not null) foreach (var e in smaps.Items) AddInOrder(regions, e.Map, e.Counters, skipped);
        else foreach (var m in maps!.Items) AddInOrder(regions, m, null, skipped);
        IReadOnlyList<string> problems = [.. smaps?.Problems ?? maps!.Problems, .. skipped];
        // A kernel thread has no mm (status says "Kthread: 1" since Linux 6.0; before, no Vm* lines and not a zombie).
        if (regions.Count == 0 && live && status?.Text("State") is { } state && state.StartsWith('Z'))
            throw new MemlensException(ExitCode.ProcessExited, $"process {pid} has exited (a zombie, waiting for its parent to reap it): its memory is already freed");
        if (regions.Count == 0 && live && status is not null && (status.Text("Kthread") == "1" || (status.Text("Kthread") is null && status.VmSize is null)))
            throw new MemlensException(ExitCode.BadInput, $"process {pid}{(status.Name is null ? "" : $" ({status.Name})")} is a kernel thread: it has no user address space, so there is no memory map to explain");
        if (regions.Count == 0 && live) throw new MemlensException(ExitCode.ProcessExited, $"process {pid} has no mappings (it exited while it was read)");
        if (regions.Count == 0) throw new MemlensException(ExitCode.BadInput, $"{source}: no mappings could be read ({(problems.Count > 0 ? problems[0] : "maps/smaps empty")})");
        foreach (var p in problems) dir.Warnings.Add(p + " (the report is partial)");

        var runtimeFiles = RuntimeFiles(dir, regions);
        var cmdline = dir.Read("cmdline", warnIfMissing: false);
        var comm = dir.Read("comm", warnIfMissing: false);
        var cgroup = dir.Read("cgroup", warnIfMissing: false);
        var rollup = rollupAside is null ? dir.Read("smaps_rollup", warnIfMissing: false)
            : dir.Accept("smaps_rollup", rollupAside.Result.Outcome, rollupAside.Result.Bytes, warnIfMissing: false);
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
    /// The kernel lists VMAs in address order, none overlapping: a line that breaks that (a hand-edited or corrupt
    /// file) is skipped and named, so no byte is counted twice and the total cannot wrap.
    /// </summary>
    private static void AddInOrder(List<Region> regions, MapsEntry map, SmapsCounters? counters, List<string> skipped)
    {
        if (regions.Count > 0 && map.Start < regions[^1].End)
        {
            if (skipped.Count < 20) skipped.Add($"the mapping {map.Start:x}-{map.End:x} overlaps or comes before {regions[^1].Start:x}-{regions[^1].End:x}, which the kernel never prints; it was skipped");
            else if (skipped.Count == 20) skipped.Add("more mappings out of order were skipped");
            return;
        }
        regions.Add(new Region(regions.Count, map, counters));
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
        // NMT's summary, saved by `capture --runtime`.
        if (dir.Read(JvmNativeMemory.SnapshotFile, warnIfMissing: false, text: true) is { Length: > 0 and <= Formats.Jvm.NmtSummary.MaxBytes } nmt)
            files[JvmNativeMemory.RuntimeFileKey] = nmt;
        // The .NET runtime's figures, saved by `capture --runtime`.
        if (dir.Read(DotnetRuntimeCounters.SnapshotFile, warnIfMissing: false, text: true) is { Length: > 0 and <= Formats.Dotnet.DotnetRuntimeFigures.MaxBytes } dotnet)
            files[DotnetRuntimeCounters.RuntimeFileKey] = dotnet;
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
