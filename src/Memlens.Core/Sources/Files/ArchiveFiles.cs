using System.Formats.Tar;
using System.IO.Compression;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// A snapshot archive (.tar.gz) read into memory entry by entry: nothing is unpacked to disk. Only regular files are
/// kept (links, devices and FIFOs are skipped, never followed). An entry larger than its limit is refused from its
/// header, before it is inflated; one that holds less than its header says is a truncated archive.
/// </summary>
public static class ArchiveFiles
{
    /// <summary>maps, smaps (about 1.5 million mappings of smaps; 60,000 mappings are about 45 MiB) and the manifest (its recorded memory reads).</summary>
    public const long MaxMappingsFileBytes = 1L << 30;
    /// <summary>Any other entry: status, statm, cmdline, task/*/stat, a binary's headers, the perf-data file, cgroup files.</summary>
    public const long MaxOtherFileBytes = 64L << 20;
    /// <summary>All entries together.</summary>
    public const long MaxInflatedBytes = 2L << 30;
    public const int MaxEntries = 1_000_000;

    public static InMemoryFiles Read(string archive)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            long total = 0;
            int count = 0;
            string? top = null;
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > MaxEntries) throw new MemlensException(ExitCode.BadInput, $"{archive}: more than {MaxEntries:N0} entries; refusing");
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (name.Length == 0) continue;
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' points outside the snapshot; refusing");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                string leaf = name[(name.LastIndexOf('/') + 1)..];
                long limit = leaf is "maps" or "smaps" or "manifest.json" ? MaxMappingsFileBytes : MaxOtherFileBytes;
                if (entry.Length > limit)
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' is {entry.Length:N0} bytes, more than the {limit >> 20} MiB limit for it (docs/limits.md); refusing");
                total += entry.Length;
                if (total > MaxInflatedBytes) throw new MemlensException(ExitCode.BadInput, $"{archive}: unpacks to more than {MaxInflatedBytes >> 30} GiB (the limit; docs/limits.md); refusing");
                var content = new byte[entry.Length];
                int got = 0, n;
                while (got < content.Length && (n = entry.DataStream.Read(content, got, content.Length - got)) > 0) got += n;
                if (got < content.Length) throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' holds {got:N0} of the {entry.Length:N0} bytes its header says: the archive is truncated");
                files[name] = content;
                // A capture archive holds one directory (the snapshot's name) with the files inside it.
                string first = name.Contains('/') ? name[..name.IndexOf('/')] : "";
                top = top is null ? first : top == first ? top : "";
            }
            if (!string.IsNullOrEmpty(top))
                files = files.ToDictionary(kv => kv.Key[(top.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new MemlensException(ExitCode.BadInput, $"{archive}: not a readable .tar.gz snapshot ({e.Message.TrimEnd('.')})");
        }
        return new InMemoryFiles(archive, files);
    }
}
