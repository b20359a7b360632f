using Memlens.Core.Findings;
using Memlens.Core.Model;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Runtimes.V8;

/// <summary>V8 (Node.js and other embedders): heap pages, large objects, the code range, WebAssembly reservations.</summary>
public sealed class V8Module : IRuntimeModule
{
    public const string ModuleName = "v8";
    public string Name => ModuleName;
    public ModuleRole Role => ModuleRole.Runtime;

    public RuntimeIdentification? Identify(RuntimeSignals signals)
    {
        var evidence = new List<string>();
        if ((signals.MappedLibrary("libnode.so") ?? signals.MappedLibrary("libv8.so")) is { } lib) evidence.Add($"{lib} is mapped");
        string? exe = signals.ExeName;
        if (exe is "node" or "nodejs" || signals.Snapshot.Comm is "node" or "nodejs" or "MainThread")
            evidence.Add($"the executable is {exe ?? signals.Snapshot.Comm} (Node.js, which embeds V8)");
        if (signals.MetricsWith("nodejs_heap_size_total_bytes", "nodejs_version_info") is { } page) evidence.Add(page);
        return evidence.Count == 0 ? null : new RuntimeIdentification(Name, evidence);
    }

    public IReadOnlyList<PhasedRule> Rules { get; } = [new(RulePhase.Reservations, new V8Rule())];

    public IEnumerable<Finding> Findings(FindingContext context)
    {
        var v8 = context.Breakdown.Kind(Kinds.V8);
        if (v8 is null) yield break;
        var parts = string.Join("; ", v8.Owners.Select(o => $"{o.Owner}: {o.Figures.Regions} mapping(s), {Format(o.Figures.Virtual)} virtual, {Format(o.Figures.Rss)} resident"));
        yield return new Finding("V8 (JavaScript heap and code)", v8.Figures.Virtual,
            $"V8 owns {Format(v8.Figures.Virtual)} of VSZ and {Format(v8.Figures.Rss)} of RSS. {parts}. The JavaScript heap is made of 256 KiB pages mapped one by one (process.memoryUsage().heapTotal; v8.getHeapSpaceStatistics() per space); --max-old-space-size caps the old generation. The code range is a reservation for JIT code, mostly PROT_NONE. ArrayBuffer and Buffer memory is malloc'd (native-heap), counted in memoryUsage().external and arrayBuffers.");
    }
}
