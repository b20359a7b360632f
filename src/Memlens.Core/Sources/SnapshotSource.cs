using System.Text;
using System.Text.Json;
using Memlens.Core.Model;
using Memlens.Core.Sources.Files;
using Memlens.Formats.Procfs;
using Memlens.Formats.Text;

namespace Memlens.Core.Sources;

/// <summary>
/// A saved snapshot: a directory mirroring /proc/PID (memlens capture's, or a plain copy of those files), a .tar.gz
/// of one (read in memory), or /proc text pasted into a file or stdin. Works without a manifest; with one,
/// classification matches the live run exactly.
/// </summary>
public static class SnapshotSource
{
    /// <summary>Pasted text larger than this is not something a person pasted.</summary>
    public const int MaxPastedBytes = 256 << 20;

    public static bool IsArchive(string path)
    {
        if (path.EndsWith(".tar.gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal)) return true;
        Span<byte> magic = stackalloc byte[2];
        try
        {
            using var f = File.OpenRead(path);
            return f.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static ProcessSnapshot Load(string target)
    {
        if (Directory.Exists(target)) return Load(new DirectoryFiles(target), target);
        if (!File.Exists(target)) throw new MemlensException(ExitCode.BadInput, $"{target}: no such snapshot");
        if (IsArchive(target)) return Load(ArchiveFiles.Read(target), target);
        return LoadPasted(BoundedFile.Read(target, MaxPastedBytes, target, "pasted /proc text"), target);
    }

    /// <summary>As <see cref="LoadPasted(byte[], string)"/>, for text read as characters (standard input).</summary>
    public static ProcessSnapshot LoadPasted(string text, string label) => LoadPasted(System.Text.Encoding.UTF8.GetBytes(text), label);

    /// <summary>/proc text as pasted (UTF-8): one file (maps or smaps), or several under `==> name <==` or `# cat …` headers.</summary>
    public static ProcessSnapshot LoadPasted(byte[] text, string label)
    {
        var pasted = PastedProcText.Parse(text)
            ?? throw new MemlensException(ExitCode.BadInput, text.Length == 0
                ? $"{label} is empty: give the text of /proc/PID/maps or /proc/PID/smaps"
                : $"{label} is a file but not a snapshot, a core, or pasted /proc text (no maps or smaps lines in it)");
        var files = new Dictionary<string, byte[]>(pasted.Files, StringComparer.Ordinal);
        var loaded = Load(new InMemoryFiles(label, files), label, pasted.Pid, "pasted text");
        return pasted.Problems.Count == 0 ? loaded : loaded with { Warnings = [.. loaded.Warnings, .. pasted.Problems] };
    }

    private static ProcessSnapshot Load(ISnapshotFiles files, string label, int? pastedPid = null, string kind = "snapshot")
    {
        if (!files.Exists("maps") && !files.Exists("smaps"))
            throw new MemlensException(ExitCode.BadInput, $"{label}: not a snapshot (no maps or smaps file in it)");
        var manifest = ReadManifest(files, label, out string? manifestProblem);
        var proc = new ProcDirectory(files, live: false, keepRaw: false);   // only a live capture writes what it read
        if (manifestProblem is not null) proc.Warnings.Add(manifestProblem);
        string? exe = ReadLine(files, "exe.txt");
        string? kernel = ReadLine(files, "kernel");
        ulong pageSize = ulong.TryParse(ReadLine(files, "pagesize"), out ulong ps) && ps is >= 4096 and <= (1 << 20) && (ps & (ps - 1)) == 0 ? ps : 4096;
        int pid = manifest?.Pid ?? PidFromStat(files) ?? PidFromStatus(files) ?? pastedPid ?? 0;
        IImageInspector images = manifest is null ? new RecordedImageInspector([]) : new RecordedImageInspector(manifest.Images);
        IMemoryProbe memory = manifest is null ? NoMemoryProbe.Instance : new RecordedMemoryProbe(manifest.Probes, manifest.Pages);
        if (manifest is null) proc.Warnings.Add("no manifest.json: ELF layouts and allocator headers were not recorded, so images are split by permissions and headers are not checked");
        var loaded = SnapshotLoader.Load(proc, pid, $"{kind} {label}", live: false, exe, pageSize, kernel, manifest?.CapturedAt, _ => images, memory);
        if (files.TryRead("meminfo", out var meminfo) == ProcFileReader.Outcome.Read)
            loaded = loaded with { MachineMemory = MeminfoFile.Parse(meminfo)["MemTotal"] };
        var pages = MetricsSource.FromSnapshot(files);
        if (pages.Count == 0) return loaded;
        return loaded with { MetricsPages = pages.Select(p => (p.Source, p.Text)).ToList() };
    }

    private static SnapshotManifest? ReadManifest(ISnapshotFiles files, string label, out string? problem)
    {
        problem = null;
        if (files.TryRead("manifest.json", out var bytes) != ProcFileReader.Outcome.Read) return null;
        try
        {
            var m = JsonSerializer.Deserialize(bytes, ManifestJsonContext.Default.SnapshotManifest);
            if (m?.Format != SnapshotManifest.FormatVersion) { problem = $"manifest.json: format {m?.Format ?? "missing"} is not {SnapshotManifest.FormatVersion}; ignored"; return null; }
            return m;
        }
        catch (JsonException e)
        {
            problem = $"manifest.json in {label} is corrupt ({e.Message.Split('.')[0]}); ignored";
            return null;
        }
    }

    private static string? ReadLine(ISnapshotFiles files, string name) =>
        files.TryRead(name, out var bytes) == ProcFileReader.Outcome.Read ? Encoding.UTF8.GetString(bytes).Trim() : null;

    private static int? PidFromStat(ISnapshotFiles files) =>
        files.TryRead("stat", out var bytes) == ProcFileReader.Outcome.Read ? StatFile.Parse(bytes)?.Pid : null;

    private static int? PidFromStatus(ISnapshotFiles files) =>
        files.TryRead("status", out var bytes) == ProcFileReader.Outcome.Read && StatusFile.Parse(bytes).Number("Pid") is long p and > 0 and <= int.MaxValue ? (int)p : null;
}
