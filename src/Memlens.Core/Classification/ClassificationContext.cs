using Memlens.Core.Model;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Runtimes;

namespace Memlens.Core.Classification;

/// <summary>What every rule sees: the snapshot, the regions in address order, the runtimes identified, and facts computed once.</summary>
public sealed class ClassificationContext
{
    private readonly Dictionary<Region, string> _hints = [];
    private readonly Dictionary<Type, object> _facts = [];

    public ClassificationContext(RuntimeSignals signals, IReadOnlyDictionary<string, RuntimeIdentification> runtimes)
    {
        Signals = signals;
        Snapshot = signals.Snapshot;
        Regions = signals.Regions;
        Runtimes = runtimes;
    }

    public RuntimeSignals Signals { get; }
    public ProcessSnapshot Snapshot { get; }
    public IReadOnlyList<Region> Regions { get; }
    /// <summary>The modules the process uses (by <see cref="IRuntimeModule.Name"/>), each with its evidence.</summary>
    public IReadOnlyDictionary<string, RuntimeIdentification> Runtimes { get; }
    public bool Uses(string runtime) => Runtimes.ContainsKey(runtime);
    /// <summary>Why the process is taken to use a runtime, for evidence text; null when it is not.</summary>
    public string? Why(string runtime) => Runtimes.TryGetValue(runtime, out var id) ? id.Because : null;
    public bool MapsLibrary(string prefix) => Signals.MappedLibrary(prefix) is not null;
    public bool HasGlibc => Uses(GlibcNames.Module);
    public ImageLayout? ExeLayout => Signals.ExeLayout;
    public ulong PageSize => Snapshot.PageSize;

    /// <summary>Facts a module computes once per classification and its rules share (the JVM's sizes, V8's build).</summary>
    public T Facts<T>(Func<ClassificationContext, T> compute) where T : class
    {
        if (_facts.TryGetValue(typeof(T), out var known)) return (T)known;
        var made = compute(this);
        _facts[typeof(T)] = made;
        return made;
    }

    /// <summary>Maximal runs of adjacent unclaimed regions that each satisfy <paramref name="member"/>.</summary>
    public IEnumerable<List<Region>> UnclaimedRuns(Func<Region, bool> member)
    {
        List<Region>? run = null;
        foreach (var r in Regions)
        {
            bool fits = !IsClaimed(r) && member(r);
            if (fits && run is not null && Adjacent(run[^1], r)) { run.Add(r); continue; }
            if (run is not null) yield return run;
            run = fits ? [r] : null;
        }
        if (run is not null) yield return run;
    }

    public static string LibraryName(string path) => System.IO.Path.GetFileName(path);

    public bool IsClaimed(Region r) => r.Attribution is not null;

    public void Claim(Region r, Owner owner, string detail, string evidence, Confidence confidence)
    {
        if (r.Attribution is not null) throw new InvalidOperationException($"region {r} is already owned by {r.Attribution.Owner}");
        r.Attribution = new Attribution(owner, detail, r.SplitNote is null ? evidence : $"{evidence} (part of one VMA: {r.SplitNote})", confidence);
    }

    /// <summary>What an unclaimed region is shaped like, when the shape alone is not enough to name an owner; the first hint stays.</summary>
    public void Hint(Region r, string hint) => _hints.TryAdd(r, hint);
    public string? HintFor(Region r) => _hints.GetValueOrDefault(r);

    public Region? Previous(Region r) => r.Index > 0 ? Regions[r.Index - 1] : null;
    public Region? Next(Region r) => r.Index + 1 < Regions.Count ? Regions[r.Index + 1] : null;
    public bool Adjacent(Region lower, Region upper) => lower.End == upper.Start;

    /// <summary>The region containing an address, by binary search over the sorted regions.</summary>
    public Region? Find(ulong address) => Region.Find(Regions, address);

    /// <summary>Maximal runs of adjacent, unclaimed, private anonymous regions: how reservations look once split by commits.</summary>
    public IEnumerable<List<Region>> UnclaimedAnonymousRuns() => UnclaimedRuns(r => r.IsPrivateAnonymous);
}

/// <summary>One classification rule: claims the regions it has evidence for, and leaves the rest alone.</summary>
public interface IClassificationRule
{
    void Apply(ClassificationContext context);
}
