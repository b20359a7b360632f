using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Python;

/// <summary>CPython's small-object allocator (obmalloc): arenas of 256 KiB (up to 3.9) or 1 MiB (3.10+, 64-bit).</summary>
public sealed record PymallocArenas : Owner, IMallocArena
{
    public static readonly PymallocArenas Instance = new();
    public override string Kind => Kinds.Python;
    public override string Label => "CPython pymalloc arenas";
    public string Allocator => "pymalloc";
}

/// <summary>
/// In a Python process, an anonymous rw mapping larger than an arena that is not a whole number of arenas, seen without
/// the process's memory: arenas the kernel merged with a block malloc'd for a large object (a list's item array, a
/// bytes buffer), or such blocks alone. Both hold the program's objects; which bytes are which needs the memory.
/// </summary>
public sealed record PythonObjectMemoryUndecided : Owner, IUndecidedOwner
{
    public static readonly PythonObjectMemoryUndecided Instance = new();
    public override string Kind => Kinds.Python;
    public override string Label => "pymalloc arenas or malloc'd blocks (not told apart)";
    public bool Admits(Owner decided) => decided is IMallocArena;
}

public sealed partial class PythonModule : IRuntimeModule
{
    public const string ModuleName = "python";
    public string Name => ModuleName;
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if (signals.MappedLibrary("libpython") is { } lib) evidence.Add($"{lib} is mapped");
        if (signals.ExeName is { } exe && PythonExe().IsMatch(exe)) evidence.Add($"the executable is {exe}");
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }

    /// <summary>(major, minor) from libpython3.X.so or python3.X, when either names it.</summary>
    public static (int Major, int Minor)? Version(RuntimeSignals signals)
    {
        foreach (var name in signals.MappedFiles.Append(signals.ExeName ?? ""))
            if (VersionIn().Match(name) is { Success: true } m)
                return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        return null;
    }

    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Remainders, new PymallocRule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var arenas = context.Breakdown.AllOwners.FirstOrDefault(o => o.Owner is PymallocArenas);
        var undecided = context.Breakdown.AllOwners.FirstOrDefault(o => o.Owner is PythonObjectMemoryUndecided);
        if (arenas is null && undecided is null) yield break;
        var both = Figures.Sum(new[] { arenas, undecided }.OfType<Accounting.OwnerGroup>().Select(o => o.Figures));
        string split = undecided is null ? ""
            : $" Of it, {Format(undecided.Figures.Virtual)} is in mappings that hold arenas, large malloc'd objects or both, which only the process's memory tells apart (memlens on the live process reads it).";
        yield return new Finding("CPython object memory (pymalloc)", both.Virtual,
            $"{Format(both.Virtual)} ({Format(both.Rss)} resident) is in pymalloc arenas: Python objects of 512 bytes or less. An arena goes back to the OS only when every object in it is freed, so a few long-lived objects can pin many arenas; sys._debugmallocstats() shows the arenas from inside, and tracemalloc shows who allocates. Larger objects are malloc'd (native-heap).{split}")
        { About = [.. new[] { arenas, undecided }.OfType<Accounting.OwnerGroup>().Select(o => o.Owner)] };
    }

    [GeneratedRegex(@"^python(\d(\.\d+)?)?[dmu]*$")]
    private static partial Regex PythonExe();

    [GeneratedRegex(@"python(\d)\.(\d+)")]
    private static partial Regex VersionIn();
}

/// <summary>
/// Each arena is one anonymous rw mmap, page-aligned only; the kernel merges neighbouring arenas (and other mappings),
/// so pymalloc's memory shows as anonymous rw mappings of whole arenas or more. Where memory is readable, the pools
/// prove it: every POOL_SIZE-aligned pool begins with a pool_header { ref, freeblock, nextpool, prevpool, arenaindex,
/// szidx, nextoffset, maxnextoffset } (Objects/obmalloc.c); untouched pools are zero. Without memory, a mapping of a
/// whole number of arenas is pymalloc's by its size, inferred.
/// </summary>
public sealed class PymallocRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        var version = PythonModule.Version(context.Signals);
        bool large = version is { } v && (v.Major, v.Minor).CompareTo((3, 10)) >= 0;
        ulong arena = large ? Bytes.MiB : 256 * Bytes.KiB;
        ulong pool = large ? 16 * Bytes.KiB : 4 * Bytes.KiB;
        string sizeWhy = version is { } known
            ? $"Python {known.Major}.{known.Minor} uses {Bytes.Format(arena)} arenas of {Bytes.Format(pool)} pools"
            : "the version is not known, so 256 KiB arenas of 4 KiB pools (Python ≤ 3.9; 1 MiB arenas are multiples of them) are assumed";
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.Writable || r.Map.Executable || r.Size < arena) continue;
            var (pools, empty, other) = Pools(context.Snapshot.Memory, r, pool);
            string where = $"in a Python process ({context.Why(PythonModule.ModuleName)}; {sizeWhy})";
            if (pools > 0 && other * 10 <= pools + empty + other)
            {
                context.Claim(r, PymallocArenas.Instance, "arenas",
                    $"{pools} of the {pools + empty + other} {Bytes.Format(pool)}-aligned pools of this {Bytes.Format(r.Size)} mapping begin with a pymalloc pool_header (size class, offsets) and {empty} are untouched, {where}{(other > 0 ? $"; {other} hold something else (a neighbouring mapping the kernel merged)" : "")}", Confidence.Confirmed);
            }
            else if (pools + empty + other == 0 && r.Size % arena == 0)
            {
                context.Claim(r, PymallocArenas.Instance, "arenas",
                    $"an anonymous rw mapping of {Bytes.Format(r.Size)} = {r.Size / arena} × {Bytes.Format(arena)} {where}: pymalloc maps each arena with its own mmap and the kernel merges neighbours (memory not readable, so no pool header was checked)", Confidence.Inferred);
            }
            else if (pools + empty + other == 0)
            {
                context.Claim(r, PythonObjectMemoryUndecided.Instance, "arenas or large objects",
                    $"an anonymous rw mapping of {Bytes.Format(r.Size)} {where}, larger than an arena but not a whole number of them: pymalloc arenas the kernel merged with a block malloc'd for a large object, or such blocks alone; without the process's memory they cannot be told apart", Confidence.Inferred);
            }
            else if (r.Size % arena == 0 || pools > 0)
                context.Hint(r, $"sized like pymalloc arenas, but its pools do not carry pymalloc's headers ({pools} do, {other} do not)");
        }
    }

    /// <summary>Pool slots with a plausible pool_header, untouched (zero), and other, or (0, 0, 0) when memory is unreadable.</summary>
    private static (int Pools, int Empty, int Other) Pools(IMemoryProbe memory, Region r, ulong pool)
    {
        Span<byte> h = stackalloc byte[48];
        int pools = 0, empty = 0, other = 0;
        for (ulong a = Bytes.AlignUp(r.Start, pool); a + pool <= r.End && pools + empty + other < 65536; a += pool)
        {
            if (!memory.TryRead(a, h)) return (0, 0, 0);
            if (!h.ContainsAnyExcept((byte)0)) { empty++; continue; }
            uint szidx = BinaryPrimitives.ReadUInt32LittleEndian(h[36..]);
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(h[40..]);
            uint max = BinaryPrimitives.ReadUInt32LittleEndian(h[44..]);
            if (szidx < 64 && max <= pool && next <= pool + 512 && next % 8 == 0) pools++;
            else other++;
        }
        return (pools, empty, other);
    }
}
