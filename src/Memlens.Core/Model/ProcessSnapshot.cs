using Memlens.Formats.Procfs;

namespace Memlens.Core.Model;

/// <summary>
/// Everything memlens knows about one process at one moment, from whatever source: a live /proc/PID,
/// a captured snapshot, a core dump, an strace replay, pasted text. Immutable: the analysis never changes it.
/// </summary>
public sealed record ProcessSnapshot
{
    public required int Pid { get; init; }
    public string? Comm { get; init; }
    public string? Exe { get; init; }
    public IReadOnlyList<string> Cmdline { get; init; } = [];
    /// <summary>
    /// The mappings as read, in address order. The first analysis owns them itself (a million mappings are not copied);
    /// any later analysis of the same regions owns copies (<see cref="TakeRegions"/>).
    /// </summary>
    public required IReadOnlyList<Region> Regions { get; init; }

    // Shared by every copy made with `with`, as the regions are: whichever copy is analysed first takes them.
    private readonly RegionsTaken _taken = new();

    /// <summary>The regions for an analysis to own: these ones the first time, fresh unowned copies after.</summary>
    internal IReadOnlyList<Region> TakeRegions() =>
        _taken.Take() && Regions.All(r => r.Attribution is null) ? Regions : Regions.Select(r => r.Unowned()).ToList();

    private sealed class RegionsTaken
    {
        private int _taken;
        public bool Take() => Interlocked.Exchange(ref _taken, 1) == 0;
    }
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
    /// <summary>The machine's RAM (meminfo MemTotal), which runtimes size their defaults from; null when not known.</summary>
    public ulong? MachineMemory { get; init; }
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
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>The source files as read (name relative to /proc/PID → bytes), kept so capture writes exactly what was analysed.</summary>
    public IReadOnlyDictionary<string, byte[]> RawFiles { get; init; } = new Dictionary<string, byte[]>();
    /// <summary>Runtime metrics pages saved with a snapshot (metrics.N.txt), as (where it came from, text).</summary>
    public IReadOnlyList<(string Source, string Text)> MetricsPages { get; init; } = [];
    /// <summary>Files a runtime publishes for tools to read without attaching, by what they are ("hsperfdata": HotSpot's perf-data file).</summary>
    public IReadOnlyDictionary<string, byte[]> RuntimeFiles { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>The threads read from task/, or, without task/, the count status gives.</summary>
    public int ThreadCount => Threads.Count > 0 ? Threads.Count : (int)Math.Clamp(Status?.Threads ?? 0, 0, int.MaxValue);

    public string DisplayName => Comm ?? (Exe is null ? $"pid {Pid}" : System.IO.Path.GetFileName(Exe));
}
