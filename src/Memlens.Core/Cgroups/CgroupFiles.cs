using Memlens.Formats.Procfs;
using System.Globalization;

namespace Memlens.Core.Cgroups;

/// <summary>
/// A memory cgroup's files (v1 or v2), as read from /sys/fs/cgroup or a snapshot's cgroup.d: single numbers
/// ("max" = no limit), memory.stat and memory.events as key → value.
/// </summary>
public sealed class CgroupFiles
{
    private readonly Dictionary<string, string> _files;

    public CgroupFiles(string where, Dictionary<string, string> files)
    {
        Where = where;
        _files = files;
        Stat = KeyValues("memory.stat");
        Events = KeyValues("memory.events");
    }

    public string Where { get; }
    public bool IsV2 => _files.ContainsKey("memory.current");
    public bool IsV1 => _files.ContainsKey("memory.usage_in_bytes");
    public IReadOnlyDictionary<string, ulong> Stat { get; }
    public IReadOnlyDictionary<string, ulong> Events { get; }
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>A one-number file; null when absent, unparsable, or "max" (no limit).</summary>
    public ulong? Number(string name)
    {
        if (!_files.TryGetValue(name, out var text)) return null;
        var t = text.Trim();
        return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : null;
    }

    public bool Unlimited(string name) => _files.TryGetValue(name, out var t) && (t.Trim() == "max" || Number(name) >= (1UL << 62));

    public ulong? S(string key) => Stat.TryGetValue(key, out ulong v) ? v : null;

    /// <param name="label">what to call it, when the directory is a copy (a snapshot's cgroup.d) rather than the cgroup itself.</param>
    public static CgroupFiles Read(string dir, string? label = null)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(dir, "memory.*").Concat(Directory.EnumerateFiles(dir, "cgroup.procs")))
        {
            var name = Path.GetFileName(path);
            // Readable, small files only: write-only controls fail to read, and some (numa_stat) are large.
            var text = Formats.Procfs.ProcFileReader.TryReadText(path);
            if (text is not null && text.Length <= 1 << 20) files[name] = text;
        }
        return new CgroupFiles(label ?? dir, files);
    }

    public IReadOnlyList<int> Processes() =>
        _files.TryGetValue("cgroup.procs", out var t)
            ? t.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(x => int.TryParse(x, out int p) ? p : 0).Where(p => p > 0).ToList()
            : [];

    private IReadOnlyDictionary<string, ulong> KeyValues(string name) =>
        _files.TryGetValue(name, out var text) ? KeyValueFile.Parse(text) : new Dictionary<string, ulong>();
}
