using System.Formats.Tar;
using System.IO.Compression;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// A snapshot archive (.tar.gz) read into memory entry by entry: nothing is unpacked to disk. Only regular files are
/// kept (links, devices and FIFOs are skipped, never followed), and sizes are counted as read, not taken from headers.
/// </summary>
public static class ArchiveFiles
{
    /// <summary>All entries together; a 60,000-mapping smaps is about 20 MiB.</summary>
    public const long MaxInflatedBytes = 1L << 30;
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
                var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int n;
                while ((n = entry.DataStream.Read(chunk)) > 0)
                {
                    total += n;
                    if (total > MaxInflatedBytes) throw new MemlensException(ExitCode.BadInput, $"{archive}: unpacks to more than {MaxInflatedBytes >> 30} GiB; refusing");
                    buffer.Write(chunk, 0, n);
                }
                files[name] = buffer.ToArray();
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
