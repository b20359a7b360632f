using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Stacks;

/// <summary>The layout of a pthread stack, for rules that judge runs of anonymous mappings and must leave stacks out.</summary>
public static class StackShape
{
    /// <summary>
    /// A run split where a thread stack's shape sits in it (a PROT_NONE guard of at most 64 KiB below an rw mapping of
    /// 64 KiB or more): pthread stacks the kernel placed next to the reservations are not part of them.
    /// </summary>
    public static IEnumerable<List<Region>> Split(List<Region> run)
    {
        var part = new List<Region>();
        for (int i = 0; i < run.Count; i++)
        {
            if (i + 1 < run.Count && run[i].Map.NoAccess && run[i].Size <= 64 * Bytes.KiB && !run[i + 1].Map.NoAccess && run[i + 1].Size >= 64 * Bytes.KiB)
            {
                if (part.Count > 0) yield return part;
                part = [];
                i++;
                continue;
            }
            part.Add(run[i]);
        }
        if (part.Count > 0) yield return part;
    }
}
