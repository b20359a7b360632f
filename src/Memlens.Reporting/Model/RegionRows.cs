using System.Collections;
using Memlens.Core.Model;

namespace Memlens.Reporting.Model;

/// <summary>
/// The report's per-mapping rows, made from the analysed regions as each is read rather than held: a report of a
/// million mappings keeps the regions once, and each row lives only while an output writes it.
/// </summary>
public sealed class RegionRows(IReadOnlyList<Region> regions) : IReadOnlyList<RegionRow>
{
    /// <summary>The regions the rows are made from, for a writer that needs no row object (JSON).</summary>
    public IReadOnlyList<Region> Regions => regions;
    public int Count => regions.Count;
    public RegionRow this[int index] => Row(regions[index]);

    public IEnumerator<RegionRow> GetEnumerator()
    {
        foreach (var r in regions) yield return Row(r);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static RegionRow Row(Region r)
    {
        var a = r.Attribution!;
        return new RegionRow($"{r.Start:x}", $"{r.End:x}", r.Map.Perms, r.Map.Offset, r.Map.Device, r.Map.Inode, r.Map.Path,
            a.Kind, a.Owner.Label, a.Detail, a.Evidence, r.Counters?.VmFlags, r.Figures, ReportBuilder.Word(a.Confidence == Confidence.Inferred), a.Hint);
    }
}
