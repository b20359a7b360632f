using Memlens.Core.Model;
using Memlens.Formats.Dotnet;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>
/// How the GC runs, from what can be read without asking the runtime: its threads' names (CoreCLR names one
/// ".NET Server GC" thread per server-GC heap and ".NET BGC" threads for background collection, gc.cpp
/// create_gc_thread / create_bgc_thread), the GC library mapped (libclrgc.so is the segments GC, .NET 7+), the
/// runtime's version from libcoreclr.so's directory; and, when read (--runtime), the settings in force.
/// </summary>
public sealed record DotnetGcMode(string? RuntimeVersion, bool? Server, int ServerHeaps, int BackgroundThreads, bool? Regions, ulong? HardLimit, string? HardLimitSource)
{
    public string Describe()
    {
        string flavour = Server switch
        {
            true => $"server GC, {ServerHeaps} heap{(ServerHeaps == 1 ? "" : "s")}",
            false => "workstation GC",
            _ => "GC flavour unknown (no thread names)",
        };
        string background = BackgroundThreads > 0 ? "background collections on" : "";
        string layout = Regions switch { true => "regions", false => "segments (libclrgc.so)", _ => "" };
        string limit = HardLimit is ulong l ? $"heap hard limit {Bytes.Format(l)} ({HardLimitSource})" : "";
        return string.Join("; ", new[] { flavour, background, layout, limit }.Where(s => s.Length > 0));
    }

    public static DotnetGcMode Read(ProcessSnapshot s, DotnetRuntimeFigures? figures)
    {
        int serverHeaps = s.Threads.Count(t => t.Name == ".NET Server GC");
        int background = s.Threads.Count(t => t.Name == ".NET BGC");
        bool named = s.Threads.Any(t => t.Name?.StartsWith(".NET ", StringComparison.Ordinal) == true);
        bool? server = serverHeaps > 0 ? true : named ? false : null;
        var coreclr = s.Regions.FirstOrDefault(r => r.Map.FileBacked && System.IO.Path.GetFileName(r.Map.FilePath) == "libcoreclr.so");
        string? version = coreclr is null ? null : System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(coreclr.Map.FilePath));
        if (version is not null && !char.IsAsciiDigit(version.FirstOrDefault())) version = null;
        bool clrgc = s.Regions.Any(r => r.Map.FileBacked && System.IO.Path.GetFileName(r.Map.FilePath).StartsWith("libclrgc", StringComparison.Ordinal));
        int major = version is not null && int.TryParse(version.Split('.')[0], out int m) ? m : 0;
        bool? regions = clrgc ? false : major >= 7 ? true : null;
        var (limit, source) = HardLimitOf(figures);
        return new DotnetGcMode(version, server, serverHeaps, background, regions, limit, source);
    }

    /// <summary>
    /// GCHeapHardLimit as the runtime reads it: hexadecimal in the environment, a number in runtimeconfig.json; without
    /// one, a cgroup memory limit sets the default, the larger of 20 MB and 75% of it (GCHeapHardLimitPercent).
    /// </summary>
    private static (ulong?, string?) HardLimitOf(DotnetRuntimeFigures? figures)
    {
        var (set, where) = ExplicitHardLimit(figures);
        if (set is not null) return (set, where);
        if (figures?.Setting("GCHeapHardLimitPercent") is null && figures?.Setting("System.GC.HeapHardLimitPercent") is null
            && MemoryMax(figures) is ulong max)
            return (Math.Max(20_000_000UL, max / 4 * 3), "the default: 75% of the cgroup's memory.max");
        return (null, null);
    }

    /// <summary>The cgroup's memory limit (v2 memory.max, v1 memory.limit_in_bytes) when --runtime read one; v1's "none" is ~2^63.</summary>
    public static ulong? MemoryMax(DotnetRuntimeFigures? figures) =>
        ulong.TryParse(figures?.Setting("memory.max") ?? figures?.Setting("memory.limit_in_bytes"), out ulong max) && max < 1UL << 60 ? max : null;

    private static (ulong?, string?) ExplicitHardLimit(DotnetRuntimeFigures? figures)
    {
        foreach (var setting in figures?.Settings ?? [])
        {
            bool env = !setting.Name.StartsWith("System.GC.", StringComparison.Ordinal);
            string name = env ? setting.Name : setting.Name["System.GC.".Length..];
            if (!string.Equals(name, env ? "GCHeapHardLimit" : "HeapHardLimit", StringComparison.OrdinalIgnoreCase)) continue;
            string v = setting.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? setting.Value[2..] : setting.Value;
            if (env ? ulong.TryParse(v, System.Globalization.NumberStyles.HexNumber, null, out ulong hex) : ulong.TryParse(v, out hex))
                return (hex, setting.Where);
        }
        return (null, null);
    }
}
