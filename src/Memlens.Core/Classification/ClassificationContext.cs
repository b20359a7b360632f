using Memlens.Core.Model;

namespace Memlens.Core.Classification;

/// <summary>What every rule sees: the snapshot, the regions in address order, and facts computed once.</summary>
public sealed class ClassificationContext
{
    public ClassificationContext(ProcessSnapshot snapshot)
    {
        Snapshot = snapshot;
        Regions = snapshot.Regions;
        MapsLibrary = name => Regions.Any(r => r.Map.FileBacked && LibraryName(r.Map.FilePath).StartsWith(name, StringComparison.Ordinal));
        HasCoreclr = MapsLibrary("libcoreclr.so");
        HasJvm = MapsLibrary("libjvm.so");
        // The executable is mapped in a live process; in an strace replay the kernel mapped it at execve, outside the
        // log, so it is looked up by path.
        var exeRegion = snapshot.Exe is null ? null
            : Regions.FirstOrDefault(r => r.Map.FilePath == snapshot.Exe)
              ?? new Region(-1, new Formats.Procfs.MapsEntry(0, 0, "r--p", 0, "00:00", 1, snapshot.Exe), null);
        ExeLayout = exeRegion is null ? null : snapshot.Images.Inspect(exeRegion, out _);
        // glibc: its libc is mapped, or (in an strace log without -y paths) the executable asks for glibc's loader.
        HasGlibc = MapsLibrary("libc.so") || MapsLibrary("libc-2.") || ExeLayout?.Interpreter?.Contains("/ld-linux", StringComparison.Ordinal) == true;
    }

    public ProcessSnapshot Snapshot { get; }
    public IReadOnlyList<Region> Regions { get; }
    public Func<string, bool> MapsLibrary { get; }
    public bool HasGlibc { get; }
    public bool HasCoreclr { get; }
    public bool HasJvm { get; }
    public ImageLayout? ExeLayout { get; }
    public bool IsGo => ExeLayout?.IsGo == true;
    public ulong PageSize => Snapshot.PageSize;

    public static string LibraryName(string path) => System.IO.Path.GetFileName(path);

    public bool IsClaimed(Region r) => r.Attribution is not null;

    public void Claim(Region r, string kind, string owner, string detail, string evidence)
    {
        if (r.Attribution is not null) throw new InvalidOperationException($"region {r} is already owned by {r.Attribution.Owner}");
        r.Attribution = new Attribution(kind, owner, detail, r.SplitNote is null ? evidence : $"{evidence} (part of one VMA: {r.SplitNote})");
    }

    public Region? Previous(Region r) => r.Index > 0 ? Regions[r.Index - 1] : null;
    public Region? Next(Region r) => r.Index + 1 < Regions.Count ? Regions[r.Index + 1] : null;
    public bool Adjacent(Region lower, Region upper) => lower.End == upper.Start;

    /// <summary>The region containing an address, by binary search over the sorted regions.</summary>
    public Region? Find(ulong address) => Region.Find(Regions, address);

    /// <summary>Maximal runs of adjacent, unclaimed, private anonymous regions: how reservations look once split by commits.</summary>
    public IEnumerable<List<Region>> UnclaimedAnonymousRuns()
    {
        List<Region>? run = null;
        foreach (var r in Regions)
        {
            bool fits = !IsClaimed(r) && r.IsPrivateAnonymous;
            if (fits && run is not null && Adjacent(run[^1], r)) { run.Add(r); continue; }
            if (run is not null) yield return run;
            run = fits ? [r] : null;
        }
        if (run is not null) yield return run;
    }
}

/// <summary>One classification rule: claims the regions it has evidence for, and leaves the rest alone.</summary>
public interface IClassificationRule
{
    void Apply(ClassificationContext context);
}
