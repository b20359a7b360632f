using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// `memlens capture`: copies what memlens reads of /proc/PID verbatim into a directory or .tar.gz, plus a manifest of
/// what it read elsewhere (ELF headers, allocator headers). Never the environment. Written to a temporary name and
/// renamed into place, so an interrupted capture leaves nothing half-written, and an existing output is never replaced.
/// </summary>
public static class Capture
{
    public const long MaxCgroupFileBytes = 1 << 20;

    public sealed record Result(string Path, int Files, long Bytes, ProcessSnapshot Snapshot);

    /// <param name="runtime">adds what the runtime itself was asked for (the JVM's NMT summary) to the live snapshot.</param>
    public static Result Write(int pid, string output, ProcRoot? proc = null, IReadOnlyList<string>? metrics = null, Func<ProcessSnapshot, ProcessSnapshot>? runtime = null)
    {
        bool archive = output.EndsWith(".tar.gz", StringComparison.Ordinal) || output.EndsWith(".tgz", StringComparison.Ordinal);
        if (File.Exists(output) || Directory.Exists(output))
            throw new MemlensException(ExitCode.OutputFailed, $"{output} already exists; choose a new name (memlens never overwrites a saved snapshot)");
        RecordingImageInspector? images = null;
        RecordingMemoryProbe? memory = null;
        proc ??= ProcRoot.Default;
        var snapshot = LiveProcess.Load(pid, proc, i => images = new RecordingImageInspector(i), m => memory = new RecordingMemoryProbe(m), keepRaw: true);
        Analysis.Analyzer.Analyze(snapshot, withFindings: false);   // drives every ELF and memory read the analysis makes, so the manifest holds them all

        var files = new Dictionary<string, byte[]>(snapshot.RawFiles, StringComparer.Ordinal);
        string root = proc.ProcessDirectory(pid);
        AddIfReadable(files, "maps", System.IO.Path.Combine(root, "maps"));
        foreach (var t in snapshot.Threads)
            AddIfReadable(files, $"task/{t.Tid}/status", System.IO.Path.Combine(root, "task", t.Tid.ToString(System.Globalization.CultureInfo.InvariantCulture), "status"));
        AddIfReadable(files, "meminfo", proc.FilePath("meminfo"));
        AddCgroupFiles(files, snapshot);
        files["pagesize"] = Utf8($"{snapshot.PageSize}\n");
        // The online CPUs size the per-CPU charge batches the cgroup identities allow for, wherever the snapshot is read.
        if (ProcFileReader.TryReadText("/sys/devices/system/cpu/online") is { } online && CpuList.Count(online) is int cpus)
            files["cpus"] = Utf8($"{cpus}\n");
        if (snapshot.KernelRelease is not null) files["kernel"] = Utf8(snapshot.KernelRelease + "\n");
        if (snapshot.Exe is not null) files["exe.txt"] = Utf8(snapshot.Exe + "\n");
        var manifest = new SnapshotManifest(SnapshotManifest.FormatVersion, Version(), snapshot.CapturedAt ?? DateTimeOffset.UtcNow, pid,
            images!.Recorded, memory!.Recorded, memory.RecordedPages);
        files["manifest.json"] = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.SnapshotManifest);
        int n = 0;
        foreach (var spec in metrics ?? [])
        {
            var page = MetricsSource.Load(spec);
            n++;
            files[$"metrics.{n}.txt"] = Utf8(page.Text);
            files[$"metrics.{n}.url"] = Utf8(spec + "\n");
        }
        if (runtime is not null)
            foreach (var (name, answer) in RuntimeQuestions.Answers(runtime(snapshot)))
                files[name] = answer;
        files.Remove("environ");   // never, even if a future reader adds it

        string full = System.IO.Path.GetFullPath(output);
        string parent = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
            throw new MemlensException(ExitCode.OutputFailed, $"{output}: the directory {parent} does not exist (memlens does not create it)");
        // Everything is written inside a directory made exclusively, mode 0700, under an unguessable name: a name another
        // user planted (a symlink) is never followed. An archive is written there too and renamed out of it.
        string? temp = null;
        try
        {
            temp = PrivateDirectory.CreateBeside(full);
            if (archive)
            {
                string file = System.IO.Path.Combine(temp, "snapshot.tar.gz");
                WriteArchive(file, files);
                if (!PrivateDirectory.IsStillOurs(temp)) throw new IOException($"{temp} was changed by someone else while memlens wrote to it");
                Files.TemporaryPaths.ThrowIfInterrupted();
                File.Move(file, full);
            }
            else
            {
                WriteDirectory(temp, files);
                if (!PrivateDirectory.IsStillOurs(temp)) throw new IOException($"{temp} was changed by someone else while memlens wrote to it");
                Files.TemporaryPaths.ThrowIfInterrupted();
                Directory.Move(temp, full);
                Files.TemporaryPaths.Unregister(temp);
                temp = null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MemlensException(ExitCode.OutputFailed, $"{output}: could not write the snapshot ({e.Message.TrimEnd('.')})");
        }
        finally
        {
            if (temp is not null) Files.TemporaryPaths.Remove(temp);
        }
        return new Result(full, files.Count, files.Values.Sum(b => (long)b.Length), snapshot);
    }

    private static void AddCgroupFiles(Dictionary<string, byte[]> files, ProcessSnapshot snapshot)
    {
        string? dir = CgroupLocator.MemoryDirectory(snapshot.Cgroups);
        if (dir is null) return;
        IEnumerable<string> names;
        // cgroup.procs too: it tells later whether the captured process was the cgroup's only one.
        try { names = Directory.EnumerateFiles(dir, "memory.*").Concat(Directory.EnumerateFiles(dir, "cgroup.procs")).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var path in names)
        {
            string name = System.IO.Path.GetFileName(path);
            // Writing-only control files (force_empty, reclaim) fail to read; skip them quietly.
            if (ProcFileReader.TryReadAll(path, out var bytes, out int length) == ProcFileReader.Outcome.Read && length <= MaxCgroupFileBytes)
                files[$"cgroup.d/{name}"] = bytes.AsSpan(0, length).ToArray();
        }
        files["cgroup.d/path.txt"] = Utf8(dir + "\n");
    }

    private static void AddIfReadable(Dictionary<string, byte[]> files, string name, string path)
    {
        if (ProcFileReader.TryReadAll(path, out var bytes, out int length) == ProcFileReader.Outcome.Read)
            files[name] = bytes.AsSpan(0, length).ToArray();
    }

    private static void WriteDirectory(string dir, Dictionary<string, byte[]> files)
    {
        foreach (var (name, bytes) in files)
        {
            Files.TemporaryPaths.ThrowIfInterrupted();
            string path = System.IO.Path.Combine(dir, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            f.Write(bytes);
        }
    }

    private static void WriteArchive(string path, Dictionary<string, byte[]> files)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                Files.TemporaryPaths.ThrowIfInterrupted();
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead };
                tar.WriteEntry(entry);
            }
        }
        file.Flush(flushToDisk: true);
    }


    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    private static string Version() => typeof(Capture).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
