using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// A saved snapshot: a directory mirroring /proc/PID (memlens capture's, or a plain copy of those files) or a
/// .tar.gz of one. Works without a manifest; with one, classification matches the live run exactly.
/// </summary>
public static class SnapshotSource
{
    public const long MaxArchiveBytes = 4L << 30;
    public const int MaxArchiveEntries = 1_000_000;

    public static bool LooksLikeSnapshot(string target) =>
        Directory.Exists(target) || (File.Exists(target) && (target.EndsWith(".tar.gz", StringComparison.Ordinal) || target.EndsWith(".tgz", StringComparison.Ordinal)));

    public static ProcessSnapshot Load(string target)
    {
        if (Directory.Exists(target)) return LoadDirectory(target, target);
        if (!File.Exists(target)) throw new MemlensException(ExitCode.BadInput, $"{target}: no such snapshot");
        string temp = Directory.CreateTempSubdirectory("memlens-snapshot-").FullName;
        try
        {
            Extract(target, temp);
            return LoadDirectory(temp, target);
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    private static ProcessSnapshot LoadDirectory(string dir, string label)
    {
        if (!File.Exists(System.IO.Path.Combine(dir, "maps")) && !File.Exists(System.IO.Path.Combine(dir, "smaps")))
            throw new MemlensException(ExitCode.BadInput, $"{label}: not a snapshot (no maps or smaps file in it)");
        var manifest = ReadManifest(dir, label, out string? manifestProblem);
        var proc = new ProcDirectory(dir, live: false);
        if (manifestProblem is not null) proc.Warnings.Add(manifestProblem);
        string? exe = ReadLine(dir, "exe.txt");
        string? kernel = ReadLine(dir, "kernel");
        ulong pageSize = ulong.TryParse(ReadLine(dir, "pagesize"), out ulong ps) && ps is >= 4096 and <= (1 << 20) && (ps & (ps - 1)) == 0 ? ps : 4096;
        int pid = manifest?.Pid ?? PidFromStat(dir) ?? 0;
        IImageInspector images = manifest is null ? new RecordedImageInspector([]) : new RecordedImageInspector(manifest.Images);
        IMemoryProbe memory = manifest is null ? NoMemoryProbe.Instance : new RecordedMemoryProbe(manifest.Probes, manifest.Pages);
        if (manifest is null) proc.Warnings.Add("no manifest.json: ELF layouts and allocator headers were not recorded, so images are split by permissions and headers are not checked");
        var loaded = SnapshotLoader.Load(proc, pid, $"snapshot {label}", live: false, exe, pageSize, kernel, manifest?.CapturedAt, _ => images, memory);
        var pages = MetricsSource.FromSnapshot(dir);
        if (pages.Count == 0) return loaded;
        return loaded with { MetricsPages = pages.Select(p => (p.Source, p.Text)).ToList() };
    }

    private static SnapshotManifest? ReadManifest(string dir, string label, out string? problem)
    {
        problem = null;
        string path = System.IO.Path.Combine(dir, "manifest.json");
        if (!File.Exists(path)) return null;
        try
        {
            var m = JsonSerializer.Deserialize(File.ReadAllText(path), ManifestJsonContext.Default.SnapshotManifest);
            if (m?.Format != SnapshotManifest.FormatVersion) { problem = $"manifest.json: format {m?.Format ?? "missing"} is not {SnapshotManifest.FormatVersion}; ignored"; return null; }
            return m;
        }
        catch (JsonException e)
        {
            problem = $"manifest.json in {label} is corrupt ({e.Message.Split('.')[0]}); ignored";
            return null;
        }
    }

    private static string? ReadLine(string dir, string name)
    {
        string path = System.IO.Path.Combine(dir, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static int? PidFromStat(string dir)
    {
        string path = System.IO.Path.Combine(dir, "stat");
        return File.Exists(path) ? StatFile.Parse(File.ReadAllBytes(path))?.Pid : null;
    }

    /// <summary>Extracts regular files and directories only, refusing absolute paths, "..", links and oversize archives.</summary>
    private static void Extract(string archive, string into)
    {
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            long total = 0;
            int count = 0;
            string root = System.IO.Path.GetFullPath(into) + System.IO.Path.DirectorySeparatorChar;
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > MaxArchiveEntries) throw new MemlensException(ExitCode.BadInput, $"{archive}: more than {MaxArchiveEntries} entries; refusing");
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (name.Length == 0 || name == ".") continue;
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' points outside the snapshot; refusing");
                string dest = System.IO.Path.GetFullPath(System.IO.Path.Combine(into, name));
                if (!dest.StartsWith(root, StringComparison.Ordinal))
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' points outside the snapshot; refusing");
                if (entry.EntryType == TarEntryType.Directory) { Directory.CreateDirectory(dest); continue; }
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                total += entry.Length;
                if (total > MaxArchiveBytes) throw new MemlensException(ExitCode.BadInput, $"{archive}: unpacks to more than {MaxArchiveBytes >> 30} GiB; refusing");
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(dest)!);
                entry.ExtractToFile(dest, overwrite: true);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            throw new MemlensException(ExitCode.BadInput, $"{archive}: not a readable .tar.gz snapshot ({e.Message.TrimEnd('.')})");
        }
    }
}
