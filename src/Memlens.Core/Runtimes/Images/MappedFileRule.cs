using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Images;

/// <summary>Every other file mapping: data files mapped with mmap (locale archive, fonts, databases, caches).</summary>
public sealed class MappedFileRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.Map.FileBacked) continue;
            var layout = context.Snapshot.Images.Inspect(r, out string? problem);
            string why = layout is null && problem is not null ? $" ({problem})" : "";
            context.Claim(r, new FileOwner(Kinds.MappedFile, r.Map.FilePath), r.Map.Shared ? "shared" : "private",
                $"a file mapping that is not a loaded ELF image{why}", Confidence.Confirmed);
        }
    }
}
