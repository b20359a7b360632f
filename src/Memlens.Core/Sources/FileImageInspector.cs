using Memlens.Core.Model;
using Memlens.Formats.Elf;

namespace Memlens.Core.Sources;

/// <summary>
/// Reads the ELF headers of mapped files from disk (or /proc/PID/map_files for deleted ones), once per file for the
/// whole memlens process: `top` classifies several processes that map the same libraries. A file is known by its
/// path, device and inode, so a replaced file or another mount namespace's file of the same name is read anew.
/// </summary>
internal sealed class FileImageInspector(string procPidDir) : IImageInspector
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, ulong), (ImageLayout?, string?)> Cache = new();

    public ImageLayout? Inspect(Region region, out string? problem)
    {
        var key = (region.Map.FilePath, region.Map.Device, region.Map.Inode);
        if (!Cache.TryGetValue(key, out var cached))
        {
            cached = Load(region);
            // Only what was read whole is kept: a file that could not be opened may be readable from another process's view.
            if (cached.Item1 is not null) Cache[key] = cached;
        }
        problem = cached.Item2;
        return cached.Item1;
    }

    private (ImageLayout?, string?) Load(Region region)
    {
        // A deleted file is still reachable through map_files while it is mapped.
        string path = region.Map.Deleted
            ? System.IO.Path.Combine(procPidDir, "map_files", $"{region.Start:x}-{region.End:x}")
            : region.Map.FilePath;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess);
            if (!ElfFile.HasMagic(stream)) return (null, "not an ELF file");
            return (ImageLayouts.From(ElfFile.Read(stream, region.Map.FilePath), stream), null);
        }
        catch (ElfFormatException e) { return (null, e.Message); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return (null, $"could not be read ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})");
        }
    }
}

/// <summary>Turns an <see cref="ElfFile"/> into the layout facts the classifier uses.</summary>
public static class ImageLayouts
{
    /// <summary>The layout; for a Go binary also its build info and linked metrics endpoints (read from <paramref name="stream"/>).</summary>
    public static ImageLayout From(ElfFile elf, Stream? stream = null)
    {
        static SegmentLayout Seg(ElfProgramHeader p) => new(p.Offset, p.VirtualAddress, p.FileSize, p.MemorySize, p.Permissions);
        var relro = elf.ProgramHeaders.FirstOrDefault(p => p.Type == ElfProgramHeader.PT_GNU_RELRO);
        string? goEvidence = elf.Section(".go.buildinfo") is not null ? "section .go.buildinfo"
            : elf.Section(".note.go.buildid") is not null ? "section .note.go.buildid"
            : elf.Section(".gopclntab") is not null ? "section .gopclntab" : null;
        GoBuildInfo? build = null;
        string? problem = null;
        IReadOnlyList<string>? endpoints = null;
        if (goEvidence is not null && stream is not null)
        {
            try
            {
                build = GoBuildInfo.Read(stream, elf, out problem);
                endpoints = GoLinkedPackages.Find(stream, elf);
            }
            catch (ElfFormatException e) { problem = e.Message; }
        }
        return new ImageLayout(elf.Name, elf.Type, elf.Loads.Select(Seg).ToList(), relro is null ? null : Seg(relro),
            elf.Interpreter, goEvidence is not null, goEvidence, build?.GoVersion, build?.Settings, endpoints, problem);
    }
}
