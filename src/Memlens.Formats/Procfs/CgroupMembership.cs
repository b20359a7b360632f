namespace Memlens.Formats.Procfs;

/// <summary>/proc/PID/cgroup: "hierarchy-ID:controller-list:path" per line.</summary>
public sealed record CgroupMembership(int HierarchyId, string Controllers, string Path)
{
    public static IReadOnlyList<CgroupMembership> Parse(string text)
    {
        var result = new List<CgroupMembership>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || !int.TryParse(parts[0], out int id)) continue;
            result.Add(new CgroupMembership(id, parts[1], parts[2]));
        }
        return result;
    }

    /// <summary>The v1 memory hierarchy's line if there is one, else the v2 line ("0::/path").</summary>
    public static CgroupMembership? Memory(IReadOnlyList<CgroupMembership> lines) =>
        lines.FirstOrDefault(l => l.Controllers.Split(',').Contains("memory")) ??
        lines.FirstOrDefault(l => l.HierarchyId == 0 && l.Controllers.Length == 0);

    public bool IsV2 => HierarchyId == 0 && Controllers.Length == 0;
}
