namespace Memlens.Core.Sources.Files;

/// <summary>
/// The bounds of reading a snapshot, a directory or a .tar.gz (docs/limits.md). A file over its limit is refused with
/// exit 6 and the limit named, before it is read: never a partial, silent read.
/// </summary>
public static class SnapshotLimits
{
    /// <summary>
    /// maps, smaps and the manifest (its recorded memory reads): about 1.5 million mappings of smaps, far beyond the
    /// kernel's default vm.max_map_count of 65,530 (60,000 mappings of smaps are about 45 MiB).
    /// </summary>
    public const long MaxMappingsFileBytes = 1L << 30;

    /// <summary>Any other file: status, statm, cmdline, task/*/status, the perf-data file, cgroup files, a metrics page.</summary>
    public const long MaxOtherFileBytes = 64L << 20;

    /// <summary>All the files of an archive together.</summary>
    public const long MaxInflatedBytes = 2L << 30;

    /// <summary>Entries in an archive (a process's task/ has one directory per thread).</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The limit for a file of a snapshot, by its name (the part after the last '/').</summary>
    public static long For(string name)
    {
        string leaf = name[(name.LastIndexOf('/') + 1)..];
        return leaf is "maps" or "smaps" or "manifest.json" ? MaxMappingsFileBytes : MaxOtherFileBytes;
    }

    public static MemlensException TooLarge(string where, string name, long size) =>
        new(ExitCode.BadInput, $"{where}: '{name}' is {size:N0} bytes, more than the {For(name) >> 20} MiB limit for it (docs/limits.md); refusing");
}
