namespace Memlens.Core.Model;

/// <summary>Reads the layout of a mapped file: live, from the file itself; offline, from what capture recorded.</summary>
public interface IImageInspector
{
    /// <summary>The ELF layout of the file a region maps, or null when the file is not ELF or cannot be read (see <paramref name="problem"/>).</summary>
    ImageLayout? Inspect(Region region, out string? problem);
}

/// <summary>What the classifier needs from an ELF file: its loadable segments and a few identifying facts.</summary>
public sealed record ImageLayout(
    string Path,
    ushort ElfType,
    IReadOnlyList<SegmentLayout> Loads,
    SegmentLayout? Relro,
    string? Interpreter,
    bool IsGo,
    string? GoEvidence,
    string? GoVersion = null,
    IReadOnlyDictionary<string, string>? GoSettings = null,
    IReadOnlyList<string>? GoEndpoints = null,
    string? GoProblem = null)
{
    /// <summary>The load bias: how far the image was moved from its link-time addresses, from the region mapping file offset 0.</summary>
    public ulong? Bias(ulong mappedStartOfOffsetZero, ulong pageSize)
    {
        var first = Loads.FirstOrDefault(l => l.Offset < pageSize);
        if (first is null) return null;
        return mappedStartOfOffsetZero - (first.VirtualAddress & ~(pageSize - 1));
    }
}

/// <summary>One PT_LOAD (or PT_GNU_RELRO) program header.</summary>
public sealed record SegmentLayout(ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize, string Permissions);
