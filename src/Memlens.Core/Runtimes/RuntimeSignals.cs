using Memlens.Core.Model;

namespace Memlens.Core.Runtimes;

/// <summary>
/// Everything a runtime can be recognised by, computed once: the executable's ELF layout (when the file is readable),
/// the files mapped, the command line, runtime metrics pages and the mappings themselves.
/// </summary>
public sealed class RuntimeSignals
{
    public RuntimeSignals(ProcessSnapshot snapshot, IReadOnlyList<Region> regions, IReadOnlyList<(string Source, string Text)> metricsPages)
    {
        Snapshot = snapshot;
        Regions = regions;
        MetricsPages = metricsPages;
        MappedFiles = regions.Where(r => r.Map.FileBacked).Select(r => System.IO.Path.GetFileName(r.Map.FilePath))
            .Distinct(StringComparer.Ordinal).ToList();
        // The executable is mapped in a live process; in an strace replay the kernel mapped it at execve, outside the
        // log, so it is looked up by path.
        var exeRegion = snapshot.Exe is null ? null
            : regions.FirstOrDefault(r => r.Map.FilePath == snapshot.Exe)
              ?? new Region(-1, new Formats.Procfs.MapsEntry(0, 0, "r--p", 0, "00:00", 1, snapshot.Exe), null);
        ExeLayout = exeRegion is null ? null : snapshot.Images.Inspect(exeRegion, out _);
    }

    public ProcessSnapshot Snapshot { get; }
    public IReadOnlyList<Region> Regions { get; }
    /// <summary>File names (no directory) of every mapped file, once each.</summary>
    public IReadOnlyList<string> MappedFiles { get; }
    public ImageLayout? ExeLayout { get; }
    public IReadOnlyList<(string Source, string Text)> MetricsPages { get; }

    /// <summary>The first mapped file whose name starts with <paramref name="prefix"/> ("libjvm.so"), or null.</summary>
    public string? MappedLibrary(string prefix) => MappedFiles.FirstOrDefault(n => n.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The executable's file name, from its path or, failing that, from comm.</summary>
    public string? ExeName => Snapshot.Exe is { } e ? System.IO.Path.GetFileName(e) : Snapshot.Comm;

    /// <summary>
    /// The identification of a runtime by the usual signals: a mapped library (any of the prefixes) and a metrics page
    /// (any of the metric prefixes), each that is present becoming evidence; null when neither is.
    /// </summary>
    public RuntimeIdentification? Identify(string runtime, string[] libraries, params string[] metrics)
    {
        var evidence = new List<string>();
        if (libraries.Select(MappedLibrary).FirstOrDefault(l => l is not null) is { } lib) evidence.Add($"{lib} is mapped");
        if (metrics.Length > 0 && MetricsWith(metrics) is { } page) evidence.Add(page);
        return evidence.Count == 0 ? null : new RuntimeIdentification(runtime, evidence);
    }

    /// <summary>The first metrics page holding a line that starts with one of the prefixes, as "metrics page SOURCE (NAME)".</summary>
    public string? MetricsWith(params string[] prefixes)
    {
        foreach (var (source, text) in MetricsPages)
            foreach (var p in prefixes)
                if (text.StartsWith(p, StringComparison.Ordinal) || text.Contains("\n" + p, StringComparison.Ordinal))
                    return $"the metrics page {source} has {p.Trim()}…";
        return null;
    }
}
