using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources.Files;

/// <summary>Files held in memory: a .tar.gz snapshot read in place, or pasted text split into its /proc files.</summary>
public sealed class InMemoryFiles(string label, IReadOnlyDictionary<string, byte[]> files) : ISnapshotFiles
{
    public string Label { get; } = label;

    public ProcFileReader.Outcome TryRead(string name, out byte[] bytes)
    {
        bool found = files.TryGetValue(name, out var b);
        bytes = b ?? [];
        return found ? ProcFileReader.Outcome.Read : ProcFileReader.Outcome.Missing;
    }

    public IReadOnlyList<string>? Subdirectories(string directory)
    {
        string prefix = directory.TrimEnd('/') + "/";
        var names = files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..]).Where(k => k.Contains('/')).Select(k => k[..k.IndexOf('/')]).Distinct().ToList();
        return names.Count == 0 ? null : names;
    }

    public IReadOnlyList<string> TopLevelFiles() => files.Keys.Where(k => !k.Contains('/')).ToList();
}
