using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Kernel;

/// <summary>
/// [anon:NAME] (prctl PR_SET_VMA_ANON_NAME, Linux 5.17+) and [anon_shmem:NAME]. The name is used verbatim;
/// the glibc (decorate_maps) and Go 1.25+ prefixes also give the kind.
/// </summary>
public sealed class NamedAnonymousRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            string path = r.Map.Path;
            if (path.StartsWith("[anon_shmem:", StringComparison.Ordinal) && path.EndsWith(']'))
            {
                context.Claim(r, new LabelledOwner(Kinds.SharedMemory, path), "", "anonymous shared memory named by the process (prctl PR_SET_VMA_ANON_NAME)", Confidence.Confirmed);
                continue;
            }
            if (r.Map.FileBacked || !path.StartsWith("[anon:", StringComparison.Ordinal) || !path.EndsWith(']')) continue;
            string name = path[6..^1];
            string trimmed = name.Trim();
            string kind = trimmed.StartsWith("glibc: malloc", StringComparison.Ordinal) || trimmed == "mimalloc" || trimmed.StartsWith("tcmalloc_region_", StringComparison.Ordinal) ? Kinds.NativeHeap
                : trimmed.StartsWith("glibc: pthread", StringComparison.Ordinal) || trimmed.StartsWith("glibc: unused stack", StringComparison.Ordinal) ? Kinds.Stack
                : trimmed.StartsWith("Go:", StringComparison.Ordinal) ? Kinds.Go
                : Kinds.Named;
            context.Claim(r, new LabelledOwner(kind, path), r.Map.NoAccess ? "reserved" : "", $"named by the process itself: {path} (prctl PR_SET_VMA_ANON_NAME)", Confidence.Confirmed);
        }
    }
}
