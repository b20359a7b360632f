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
                if (++count > SnapshotLimits.MaxEntries) throw new MemlensException(ExitCode.BadInput, $"{archive}: more than {SnapshotLimits.MaxEntries:N0} entries (the limit; docs/limits.md); refusing");
                string name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (name.Length == 0) continue;
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: entry '{entry.Name}' points outside the snapshot; refusing");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                if (entry.Length > SnapshotLimits.For(name)) throw SnapshotLimits.TooLarge(archive, entry.Name, entry.Length);
                total += entry.Length;
                if (total > SnapshotLimits.MaxInflatedBytes)
                    throw new MemlensException(ExitCode.BadInput, $"{archive}: unpacks to more than {SnapshotLimits.MaxInflatedBytes >> 30} GiB (the limit; docs/limits.md); refusing");
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
        // What System.Formats.Tar and GZipStream throw on a corrupt stream (an octal field too large overflows).
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException or InvalidOperationException
            or ArgumentException or OverflowException or NotSupportedException)
        {
            throw new MemlensException(ExitCode.BadInput, $"{archive}: not a readable .tar.gz snapshot ({e.Message.TrimEnd('.')})");
        }
        return new InMemoryFiles(archive, files);
    }
}
