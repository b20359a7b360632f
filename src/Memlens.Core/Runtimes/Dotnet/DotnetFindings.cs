using Memlens.Core.Findings;
using Memlens.Core.Model;
using Memlens.Formats.Dotnet;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>
/// Findings in the .NET GC's own terms, each with its knob (dotnet/docs "Runtime configuration options for garbage
/// collection"): a hard limit above the container's limit, a GC committing close to its hard limit, server GC's
/// many heaps in a small container, fragmentation.
/// </summary>
public static class DotnetFindings
{
    public static IEnumerable<Finding> Of(ProcessSnapshot s, DotnetRuntimeSection section)
    {
        DotnetRuntimeFigures? figures = s.RuntimeFiles.TryGetValue(Sources.DotnetRuntimeCounters.RuntimeFileKey, out var bytes)
            ? DotnetRuntimeFigures.Parse(System.Text.Encoding.UTF8.GetString(bytes), out _) : null;
        var mode = DotnetGcMode.Read(s, figures);
        ulong? memoryMax = DotnetGcMode.MemoryMax(figures);
        ulong? committed = section.Figures.FirstOrDefault(f => f.Name == DotnetRuntimeView.CommittedFigure)?.Bytes;

        if (mode.HardLimit is ulong limit && memoryMax is ulong max && limit > max && mode.HardLimitSource?.StartsWith("the default", StringComparison.Ordinal) != true)
            yield return new Finding(".NET GC hard limit above the container's limit", limit - max,
                $"The GC may commit up to {Format(limit)} ({mode.HardLimitSource}), but the cgroup's memory.max is {Format(max)}: the kernel's OOM killer ends the process before the GC sees its limit and collects harder or throws OutOfMemoryException. Set DOTNET_GCHeapHardLimit (hexadecimal) or System.GC.HeapHardLimit below the container's limit, leaving room for the rest of the process (JIT code, stacks, native memory), or remove it: the default is 75% of memory.max.");

        if (mode.HardLimit is ulong hard && committed is ulong c && c >= hard / 10 * 9)
            yield return new Finding(".NET GC near its hard limit", c,
                $"The GC has committed {Format(c)} of its {Format(hard)} hard limit ({mode.HardLimitSource}). At the limit it collects fully and then throws OutOfMemoryException. If the live heap really needs it, raise DOTNET_GCHeapHardLimit (or the container's memory, whose 75% is the default); if not, look for what holds the objects (dotnet-gcdump).");

        if (mode.Server == true && mode.ServerHeaps > 1 && memoryMax is ulong small && small / (ulong)mode.ServerHeaps < 512 * MiB)
            yield return new Finding(".NET server GC: many heaps for a small container", small,
                $"Server GC runs {mode.ServerHeaps} heaps (one per CPU it sees) in a container of {Format(small)}: each heap has its own allocation budget and commits its own regions, so the process holds more memory between collections than one heap would. DOTNET_GCHeapCount sets fewer heaps, DOTNET_GCDynamicAdaptationMode=1 (DATAS) lets the GC choose, DOTNET_gcServer=0 (workstation GC) uses one.");

        ulong heap = section.Generations.Aggregate(0UL, (a, g) => a + (g.Size ?? 0));
        ulong free = section.Generations.Aggregate(0UL, (a, g) => a + (g.Fragmentation ?? 0));
        if (free >= 64 * MiB && free >= heap / 4)
        {
            var worst = section.Generations.MaxBy(g => g.Fragmentation ?? 0)!;
            yield return new Finding(".NET GC heap fragmented", free,
                $"{Format(free)} of the {Format(heap)} heap is free space between objects as of the last collection, most of it in {worst.Name}: committed memory that holds nothing. In the large object heap, which is not compacted by default, GCSettings.LargeObjectHeapCompactionMode = CompactOnce compacts it at the next full collection; in gen2, pinned buffers are the usual cause (allocate them on the pinned object heap, GC.AllocateArray pinned: true).");
        }
    }
}
