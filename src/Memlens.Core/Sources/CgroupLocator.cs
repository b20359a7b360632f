using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// Finds a process's memory cgroup directory: the v1 hierarchy with the memory controller if mounted (hybrid hosts),
/// else the v2 unified hierarchy, resolving mount points from /proc/self/mountinfo.
/// </summary>
public static class CgroupLocator
{
    public static string? MemoryDirectory(IReadOnlyList<CgroupMembership> lines, string mountinfoPath = "/proc/self/mountinfo")
    {
        var membership = CgroupMembership.Memory(lines);
        if (membership is null) return null;
        string? text = ProcFileReader.TryReadText(mountinfoPath);
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
        {
            // "id parent major:minor root mountpoint options - fstype source superoptions"
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            string root = left[3], mountPoint = left[4], fsType = right[0], superOptions = right[2];
            bool matches = membership.IsV2 ? fsType == "cgroup2" : fsType == "cgroup" && superOptions.Split(',').Contains("memory");
            if (!matches) continue;
            string relative = membership.Path;
            if (root != "/" && relative.StartsWith(root, StringComparison.Ordinal)) relative = relative[root.Length..];
            string dir = System.IO.Path.Combine(mountPoint, relative.TrimStart('/'));
            if (Directory.Exists(dir)) return dir;
        }
        return null;
    }
}
