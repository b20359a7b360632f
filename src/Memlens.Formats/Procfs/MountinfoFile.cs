namespace Memlens.Formats.Procfs;

/// <summary>One line of /proc/PID/mountinfo (proc(5)): "id parent major:minor root mountpoint options - fstype source superoptions".</summary>
public sealed record MountinfoEntry(string Root, string MountPoint, string FsType, string Source, string SuperOptions);

public static class MountinfoFile
{
    public static IReadOnlyList<MountinfoEntry> Parse(string text)
    {
        var list = new List<MountinfoEntry>();
        foreach (var line in text.Split('\n'))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            list.Add(new MountinfoEntry(left[3], left[4], right[0], right[1], right[2]));
        }
        return list;
    }
}
