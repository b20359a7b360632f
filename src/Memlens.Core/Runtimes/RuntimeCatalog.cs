using Memlens.Core.Classification;
using Memlens.Core.Runtimes.Allocators;
using Memlens.Core.Runtimes.BrkHeap;
using Memlens.Core.Runtimes.Dotnet;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Images;
using Memlens.Core.Runtimes.Jemalloc;
using Memlens.Core.Runtimes.Jvm;
using Memlens.Core.Runtimes.Kernel;
using Memlens.Core.Runtimes.Python;
using Memlens.Core.Runtimes.Shapes;
using Memlens.Core.Runtimes.SharedMemory;
using Memlens.Core.Runtimes.Stacks;
using Memlens.Core.Runtimes.V8;

namespace Memlens.Core.Runtimes;

/// <summary>
/// Every module memlens knows, and the one place the order of classification is declared: rules run phase by phase
/// (<see cref="RulePhase"/>), and within a phase in the order of this list.
/// </summary>
public static class RuntimeCatalog
{
    public static readonly IReadOnlyList<IRuntimeModule> Modules =
    [
        new KernelModule(),
        new GoModule(),
        new DotnetModule(),
        new JvmModule(),
        new V8Module(),
        new PythonModule(),
        new StacksModule(),
        new BrkHeapModule(),
        new GlibcModule(),
        new JemallocModule(),
        new TcmallocModule(),
        new MimallocModule(),
        new MuslModule(),
        new SharedMemoryModule(),
        new ImagesModule(),
        new ShapesModule(),
    ];

    /// <summary>The rules of the given modules in the order they run.</summary>
    public static IReadOnlyList<(IRuntimeModule Module, IClassificationRule Rule)> OrderedRules(IReadOnlyList<IRuntimeModule>? modules = null)
    {
        var list = modules ?? Modules;
        return list.SelectMany((m, i) => m.Rules.Select(r => (Module: m, Index: i, r.Phase, r.Rule)))
            .OrderBy(x => x.Phase).ThenBy(x => x.Index)
            .Select(x => (x.Module, x.Rule)).ToList();
    }

    /// <summary>Which modules the process uses, each with its evidence; process-wide modules always.</summary>
    public static IReadOnlyDictionary<string, RuntimeIdentification> Identify(RuntimeSignals signals, IReadOnlyList<IRuntimeModule>? modules = null)
    {
        var found = new Dictionary<string, RuntimeIdentification>(StringComparer.Ordinal);
        foreach (var m in modules ?? Modules)
            if (m.Identify(signals) is { } id) found[m.Name] = id;
        return found;
    }
}
