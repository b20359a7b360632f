using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// Finds a process's memory cgroup directory: the v1 hierarchy with the memory controller if mounted (hybrid hosts),
/// else the v2 unified hierarchy, resolving mount points from /proc/self/mountinfo.
/// </summary>
public static class CgroupLocator
{
    public static string? MemoryDirectory(IReadOnlyList<CgroupMembership> lines, ProcRoot? proc = null)
    {
        var membership = CgroupMembership.Memory(lines);
        if (membership is null) return null;
        string? text = (proc ?? ProcRoot.Default).Text("self/mountinfo");
        if (text is null) return null;
        foreach (var m in MountinfoFile.Parse(text))
        {
            string root = m.Root, mountPoint = m.MountPoint, fsType = m.FsType, superOptions = m.SuperOptions;
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
