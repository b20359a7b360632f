using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>
/// Everything memlens knows about one process at one moment, from whatever source: a live /proc/PID,
/// a captured snapshot, later a core dump. The classifier and the report only ever see this type.
/// </summary>
public sealed class ProcessSnapshot
{
    public required int Pid { get; init; }
    public string? Comm { get; init; }
    public string? Exe { get; init; }
    public IReadOnlyList<string> Cmdline { get; init; } = [];
    private IReadOnlyList<Region> _regions = [];
    public required IReadOnlyList<Region> Regions { get => _regions; init => _regions = value; }

    /// <summary>Before classification only: the regions with merged VMAs divided (MergedStackSplitter).</summary>
    internal void ReplaceRegions(IReadOnlyList<Region> regions) => _regions = regions;
    /// <summary>True when the regions came with smaps counters (RSS, PSS, …).</summary>
    public bool HasSmaps { get; init; }
    public StatusFile? Status { get; init; }
    public StatmFile? Statm { get; init; }
    public StatFile? Stat { get; init; }
    public SmapsCounters? Rollup { get; init; }
    public IReadOnlyList<ThreadInfo> Threads { get; init; } = [];
    public IReadOnlyList<CgroupMembership> Cgroups { get; init; } = [];
    public ulong PageSize { get; init; } = 4096;
    public string? KernelRelease { get; init; }
    /// <summary>Where the data came from, for people: "live /proc/1234", "snapshot ./snap".</summary>
    public required string Source { get; init; }
    public bool IsLive { get; init; }
    /// <summary>False for a core dump: its mappings carry no [heap] or [stack] name, so those are found by other evidence.</summary>
    public bool RecordsRegionNames { get; init; } = true;
    /// <summary>An address on the initial process stack (a core's AT_EXECFN or AT_RANDOM), where names are not recorded.</summary>
    public ulong? InitialStackAddress { get; init; }
    public DateTimeOffset? CapturedAt { get; init; }
    public required IImageInspector Images { get; init; }
    public required IMemoryProbe Memory { get; init; }
    /// <summary>Things that could not be read or computed: shown in every output.</summary>
    public List<string> Warnings { get; } = [];
    /// <summary>The source files as read (name relative to /proc/PID → bytes), kept so capture writes exactly what was analysed.</summary>
    public IReadOnlyDictionary<string, byte[]> RawFiles { get; init; } = new Dictionary<string, byte[]>();
    /// <summary>Runtime metrics pages saved with a snapshot (metrics.N.txt), as (where it came from, text).</summary>
    public IReadOnlyList<(string Source, string Text)> MetricsPages { get; init; } = [];

    /// <summary>A copy with other runtime metrics pages; everything else shared.</summary>
    public ProcessSnapshot With(IReadOnlyList<(string Source, string Text)> metricsPages)
    {
        var copy = new ProcessSnapshot
        {
            Pid = Pid,
            Comm = Comm,
            Exe = Exe,
            Cmdline = Cmdline,
            Regions = Regions,
            HasSmaps = HasSmaps,
            Status = Status,
            Statm = Statm,
            Stat = Stat,
            Rollup = Rollup,
            Threads = Threads,
            Cgroups = Cgroups,
            PageSize = PageSize,
            KernelRelease = KernelRelease,
            Source = Source,
            IsLive = IsLive,
            RecordsRegionNames = RecordsRegionNames,
            InitialStackAddress = InitialStackAddress,
            CapturedAt = CapturedAt,
            Images = Images,
            Memory = Memory,
            RawFiles = RawFiles,
            MetricsPages = metricsPages,
        };
        copy.Warnings.AddRange(Warnings);
        return copy;
    }

    public string DisplayName => Comm ?? (Exe is null ? $"pid {Pid}" : System.IO.Path.GetFileName(Exe));
}
