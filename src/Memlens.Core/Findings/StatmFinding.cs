using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using static Memlens.Core.Model.Bytes;

namespace Memlens.Core.Findings;

/// <summary>
/// When statm is all there is of the kernel's counters (status not given), each column in words and the mappings
/// behind it: what text and data count, and what is in size but in neither (read-only data, the vDSO, reservations).
/// </summary>
public static class StatmFinding
{
    public static Finding? Write(FindingContext context)
    {
        var s = context.Snapshot;
        if (s.Statm is not { } statm || s.Status is not null) return null;
        ulong page = s.PageSize;
        var inMm = context.Regions.Where(r => r.Map.Path != "[vsyscall]").ToList();
        var text = StatmFromMaps.Executable(inMm);
        var data = inMm.Where(r => r.Map.Writable && !r.Map.Shared).ToList();
        var neither = StatmFromMaps.NeitherTextNorData(inMm);
        ulong rest = statm.Size - Math.Min(statm.Size, statm.Text + statm.Data);
        string Pages(ulong n) => $"{n:N0} pages ({Format(n * page)})";
        string Owners(IEnumerable<Region> regions) => string.Join("; ", regions.GroupBy(r => r.Attribution!.Owner)
            .Select(g => (Owner: g.Key, Bytes: g.Aggregate(0UL, (a, r) => a + r.Size), Ranges: g.Select(r => $"{Hex(r.Start)}-{Hex(r.End)} {r.Map.Perms}").ToList()))
            .OrderByDescending(g => g.Bytes).Take(6)
            .Select(g => $"{g.Owner} {Format(g.Bytes)} ({string.Join(", ", g.Ranges.Take(3))}{(g.Ranges.Count > 3 ? ", …" : "")})"));
        string textWords = text is null ? "no executable code mapping is in maps"
            : $"the executable's code mapping {Hex(text.Start)}-{Hex(text.End)} r-xp ({Format(text.Size)}); its read-only data is not text";
        return new Finding("statm, column by column", statm.Size * page,
            $"size {Pages(statm.Size)} is every mapping (VSZ). resident {Pages(statm.Resident)} is RSS. " +
            $"shared {Pages(statm.Shared)} is the resident pages backed by a file or shmem (RssFile + RssShmem), whether or not another process maps them. " +
            $"text {Pages(statm.Text)} is {textWords}. " +
            $"data {Pages(statm.Data)} is every private writable mapping, stacks included (data_vm + stack_vm): {Owners(data)}. " +
            $"lib and dt are always 0 since Linux 2.6. " +
            $"size − text − data = {Pages(rest)} is in neither column: {(neither.Count == 0 ? "nothing" : Owners(neither))}.");
    }
}
