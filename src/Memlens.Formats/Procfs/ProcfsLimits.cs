namespace Memlens.Formats.Procfs;

/// <summary>The bounds of reading /proc files and their copies (docs/limits.md).</summary>
public static class ProcfsLimits
{
    /// <summary>
    /// Mappings in one maps or smaps: 60 times the kernel's default vm.max_map_count (65,530), and 4 times the million
    /// that databases and search engines are told to raise it to. Each mapping costs memlens about 1 KB.
    /// </summary>
    public const int MaxMappings = 4_000_000;

    public static InputLimitException TooManyMappings(string file) =>
        new($"{file} has more than {MaxMappings:N0} mappings, the limit (docs/limits.md; vm.max_map_count is 65,530 by default)");
}
