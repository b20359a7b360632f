using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>Files the JVM maps for itself: its perf-data file, and ZGC's heap memfd (before the shared-memory rule sees a memfd).</summary>
public sealed class JvmFileRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.Map.FileBacked) continue;
            string path = r.Map.FilePath;
            if (r.Map.Shared && path.StartsWith("/tmp/hsperfdata_", StringComparison.Ordinal))
                context.Claim(r, JvmOwner.PerfData, "shared", "the JVM's perf-data file (/tmp/hsperfdata_USER/PID), mapped shared so jstat and memlens read its counters without attaching", Confidence.Confirmed);
            else if (path == "/memfd:java_heap" || path.EndsWith("/java_heap", StringComparison.Ordinal))
                context.Claim(r, JvmOwner.Heap, "ZGC heap view",
                    "ZGC's heap file (memfd \"java_heap\", zPhysicalMemoryBacking_linux.cpp), mapped once per view: each page counts in every view's Rss, so Pss is the real share", Confidence.Confirmed);
        }
    }
}
