using Memlens.Formats.Elf;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// The mappings of a core: its PT_LOAD ranges, cut where NT_FILE says a file mapping begins or ends and named from
/// the NT_FILE entry that contains them (createdump writes ranges that are part of a mapping), then the parts of
/// NT_FILE mappings no PT_LOAD covers (gcore leaves read-only file mappings out). Overlaps are left out and reported.
/// </summary>
internal static class CoreMappings
{
    public static List<MapsEntry> Build(ElfCoreFile core, Func<CoreFileMapping, ulong, string> fileOnlyPerms, out List<string> problems)
    {
        problems = [];
        var files = core.Files.Where(f => f.End > f.Start).OrderBy(f => f.Start).ToArray();
        var bounds = files.SelectMany(f => new[] { f.Start, f.End }).Distinct().Order().ToArray();
        var pieces = new List<MapsEntry>();
        ulong lastEnd = 0;
        foreach (var l in core.Loads.OrderBy(l => l.VirtualAddress))
        {
            ulong start = l.VirtualAddress, end = start + l.MemorySize;
            if (end <= start) continue;
            if (start < lastEnd)
            {
                problems.Add($"the PT_LOAD at 0x{start:x} overlaps the one before it and was left out");
                continue;
            }
            lastEnd = end;
            int i = FirstAbove(bounds, start);
            for (ulong at = start; at < end; i++)
            {
                ulong to = i < bounds.Length && bounds[i] < end ? bounds[i] : end;
                var file = Containing(files, at);
                pieces.Add(new MapsEntry(at, to, l.Permissions + "p", file is null ? 0 : file.Offset + (at - file.Start), "00:00", file is null ? 0UL : 1UL, file?.Path ?? ""));
                at = to;
            }
        }
        var all = new List<MapsEntry>(pieces);
        var starts = pieces.Select(p => p.Start).ToArray();
        foreach (var f in files)
        {
            ulong cursor = f.Start;
            for (int i = Math.Max(0, FirstAbove(starts, f.Start) - 1); i < pieces.Count && pieces[i].Start < f.End; i++)
            {
                if (pieces[i].End <= cursor) continue;
                if (pieces[i].Start > cursor) all.Add(Gap(f, cursor, pieces[i].Start, fileOnlyPerms));
                cursor = Math.Max(cursor, pieces[i].End);
            }
            if (cursor < f.End) all.Add(Gap(f, cursor, f.End, fileOnlyPerms));
        }
        all.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new List<MapsEntry>(all.Count);
        foreach (var m in all)
        {
            if (result.Count > 0 && m.Start < result[^1].End)
            {
                problems.Add($"NT_FILE entry {m.Path} at 0x{m.Start:x} overlaps another mapping and was left out");
                continue;
            }
            result.Add(m);
        }
        return result;
    }

    private static MapsEntry Gap(CoreFileMapping f, ulong start, ulong end, Func<CoreFileMapping, ulong, string> perms)
    {
        ulong offset = f.Offset + (start - f.Start);
        return new MapsEntry(start, end, perms(f, offset), offset, "00:00", 1, f.Path);
    }

    /// <summary>Index of the first value greater than x.</summary>
    private static int FirstAbove(ulong[] sorted, ulong x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static CoreFileMapping? Containing(CoreFileMapping[] files, ulong address)
    {
        int lo = 0, hi = files.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (files[mid].Start <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found >= 0 && address < files[found].End ? files[found] : null;
    }
}
