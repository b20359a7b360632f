using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>
/// CoreCLR's big anonymous reservations: the GC's regions range (.NET 7+: min or max of 256 GiB and 2×RAM, or 5× the
/// heap hard limit when one is set — a container's memory limit sets one, 75% of it — with its card/mark tables beside it), and the executable-memory reservation within 2 GiB below libcoreclr.so
/// (pal/src/map/virtual.cpp, ExecutableMemoryAllocator: up to 2 GiB − 16 MiB for JIT code near the runtime).
/// </summary>
public sealed class DotnetReservationRule : IClassificationRule
{
    // Above a glibc arena's 64 MiB (HEAP_MAX_SIZE), the largest reservation anything else in a CoreCLR process makes;
    // the smallest GC range is 5 × 20 MB (the least hard limit the GC sets itself).
    public const ulong MinGcRangeBytes = 64 * Bytes.MiB;
    public const ulong ExecutableReserveWindow = 2 * Bytes.GiB;

    public void Apply(ClassificationContext context)
    {
        var coreclr = context.Regions.Where(r => r.Map.FileBacked && ClassificationContext.LibraryName(r.Map.FilePath).StartsWith("libcoreclr.so", StringComparison.Ordinal)).MinBy(r => r.Start);
        if (coreclr is not null) ClaimExecutableReservation(context, coreclr);
        ClaimGcRange(context);
    }

    private static void ClaimExecutableReservation(ClassificationContext context, Region coreclr)
    {
        ulong low = coreclr.Start > ExecutableReserveWindow ? coreclr.Start - ExecutableReserveWindow : 0;
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || !r.Map.NoAccess || r.Start < low || r.End > coreclr.Start) continue;
            context.Claim(r, new LabelledOwner(Kinds.Dotnet, ".NET executable-memory reservation"), "reserved",
                $"PROT_NONE within 2 GiB below libcoreclr.so ({Bytes.Hex(coreclr.Start)}): CoreCLR reserves up to 2 GiB − 16 MiB there so JIT code can reach the runtime with rel32 calls; used parts become /memfd:doublemapper mappings", Confidence.Inferred);
        }
    }

    // Runs second: the executable reservation is also a large PROT_NONE region, and must not be taken for the GC range.
    private static void ClaimGcRange(ClassificationContext context)
    {
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            var largest = run.MaxBy(r => r.Map.NoAccess ? r.Size : 0)!;
            if (!largest.Map.NoAccess || largest.Size <= MinGcRangeBytes) continue;
            ulong total = (ulong)run.Sum(r => (decimal)r.Size);
            ulong committed = (ulong)run.Where(r => !r.Map.NoAccess).Sum(r => (decimal)r.Size);
            foreach (var r in run)
                context.Claim(r, new LabelledOwner(Kinds.Dotnet, ".NET GC heap (regions range and bookkeeping)"), r.Map.NoAccess ? "reserved" : "committed",
                    $"part of a gap-free run of {run.Count} anonymous mappings, {Bytes.Format(total)} of which {Bytes.Format(committed)} accessible, in a CoreCLR process: the GC reserves its regions range up front (DOTNET_GCRegionRange; default 256 GiB or 2×RAM, 5× the heap hard limit when one is set) with card and mark tables sized to it, and commits 4 MiB regions as the heap grows", Confidence.Inferred);
        }
    }
}
