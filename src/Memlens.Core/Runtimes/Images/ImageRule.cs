using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Images;

/// <summary>
/// The executable and shared libraries, split by ELF segment. The mapping's file offset says which PT_LOAD it
/// maps; the PT_LOAD's flags say text, rodata or data, and a read-only piece of a writable PT_LOAD is RELRO.
/// The anonymous mapping that continues the last segment up to p_memsz is the image's .bss.
/// </summary>
public sealed class ImageRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        var byFile = context.Regions.Where(r => !context.IsClaimed(r) && r.Map.FileBacked && r.Map.Path.StartsWith('/'))
            .GroupBy(r => (r.Map.FilePath, r.Map.Inode, r.Map.Device));
        foreach (var file in byFile)
        {
            var regions = file.ToList();
            var layout = context.Snapshot.Images.Inspect(regions[0], out string? problem);
            if (layout is null)
            {
                // Unreadable (not "not ELF"): an executable mapping of a file is still a code image, by its permissions.
                if (problem is not null && problem != "not an ELF file" && regions.Any(r => r.Map.Executable))
                {
                    foreach (var r in regions)
                        context.Claim(r, new FileOwner(Kinds.Image, r.Map.FilePath), ByPermissions(r), $"an executable file mapping; segment by permissions ({problem})", Confidence.Confirmed);
                    ClaimBssByShape(context, regions);
                }
                continue;
            }
            ClaimSegments(context, regions, layout);
        }
    }

    private static void ClaimSegments(ClassificationContext context, List<Region> regions, ImageLayout layout)
    {
        ulong page = context.PageSize;
        var loads = layout.Loads;
        // Two mappings can map the same file page (the end of rodata and the start of RELRO share one), so the
        // segment is found by link-time address (start − load bias), and by file offset only without a bias.
        var origin = regions.Where(r => r.Map.Offset < page).MinBy(r => r.Start);
        ulong? bias = origin is null ? null : layout.Bias(origin.Start, page);
        foreach (var r in regions)
        {
            int i = bias is ulong b ? IndexOfLoadByAddress(loads, r.Start - b, page) : IndexOfLoad(loads, r.Map.Offset, page);
            if (i < 0)
            {
                context.Claim(r, new FileOwner(Kinds.Image, r.Map.FilePath), "other", $"ELF file, but this mapping (file offset {Bytes.Hex(r.Map.Offset)}) lies in no PT_LOAD", Confidence.Confirmed);
                continue;
            }
            var load = loads[i];
            string detail = load.Permissions.Contains('x') ? "text"
                : load.Permissions.Contains('w') ? (r.Map.Writable ? "data" : "relro")
                : "rodata";
            string note = detail == "relro" ? "; made read-only after relocation (PT_GNU_RELRO)" : "";
            context.Claim(r, new FileOwner(Kinds.Image, r.Map.FilePath), detail,
                $"ELF PT_LOAD[{i}] {load.Permissions} maps file offset {Bytes.Hex(load.Offset)}+{Bytes.Hex(load.FileSize)}{note}", Confidence.Confirmed);
        }
        ClaimBss(context, regions, layout, page);
    }

    private static void ClaimBss(ClassificationContext context, List<Region> regions, ImageLayout layout, ulong page)
    {
        var origin = regions.Where(r => r.Map.Offset < page).MinBy(r => r.Start);
        var lastLoad = layout.Loads.MaxBy(l => l.VirtualAddress + l.MemorySize);
        if (origin is null || lastLoad is null || lastLoad.MemorySize <= lastLoad.FileSize) return;
        ulong? bias = layout.Bias(origin.Start, page);
        if (bias is null) return;
        ulong bssEnd = Bytes.AlignUp(bias.Value + lastLoad.VirtualAddress + lastLoad.MemorySize, page);
        var last = regions.MaxBy(r => r.End)!;
        var next = context.Next(last);
        if (next is null || context.IsClaimed(next) || !next.IsPrivateAnonymous || !next.Map.Writable) return;
        if (!context.Adjacent(last, next) || next.Start >= bssEnd) return;
        string excess = next.End > bssEnd ? $"; the mapping runs {Bytes.Format(next.End - bssEnd)} past it (merged with a later anonymous mapping)" : "";
        context.Claim(next, new FileOwner(Kinds.Image, last.Map.FilePath), "bss",
            $"anonymous rw mapping right after the last file segment, inside PT_LOAD p_memsz (bss ends at {Bytes.Hex(bssEnd)}){excess}", Confidence.Confirmed);
    }

    /// <summary>Largest anonymous mapping taken for a bss without the ELF headers to bound it.</summary>
    public const ulong MaxShapedBssBytes = 256 * Bytes.MiB;

    /// <summary>
    /// Without the ELF headers: the unnamed anonymous rw mapping directly after the executable's last, writable file
    /// segment is where the kernel maps the bss (load_elf_binary's set_brk / the loader's zero-fill), so it is the
    /// image's bss by its place, inferred.
    /// </summary>
    private static void ClaimBssByShape(ClassificationContext context, List<Region> regions)
    {
        var last = regions.MaxBy(r => r.End)!;
        // Only the executable's: a library's bss is small or absent and the anonymous mapping after it is often not its.
        if (last.Map.FilePath != context.Snapshot.Exe) return;
        var next = context.Next(last);
        if (!last.Map.Writable || last.Map.Shared || next is null || context.IsClaimed(next) || !next.IsPrivateAnonymous) return;
        if (!next.Map.Writable || next.Map.Path.Length > 0 || !context.Adjacent(last, next) || next.Size > MaxShapedBssBytes) return;
        context.Claim(next, new FileOwner(Kinds.Image, last.Map.FilePath), "bss",
            $"unnamed anonymous rw mapping directly after the file's last, writable segment ({Bytes.Hex(last.Start)}-{Bytes.Hex(last.End)}): where the kernel or the loader maps the zero-filled bss; the ELF headers were not available to bound it", Confidence.Inferred);
    }

    private static int IndexOfLoadByAddress(IReadOnlyList<SegmentLayout> loads, ulong linkAddress, ulong page) =>
        IndexOfLoad(loads, l => l.VirtualAddress, linkAddress, page);

    private static int IndexOfLoad(IReadOnlyList<SegmentLayout> loads, ulong offset, ulong page) =>
        IndexOfLoad(loads, l => l.Offset, offset, page);

    /// <summary>The PT_LOAD whose page-rounded file part contains <paramref name="value"/>, measured by <paramref name="origin"/>.</summary>
    private static int IndexOfLoad(IReadOnlyList<SegmentLayout> loads, Func<SegmentLayout, ulong> origin, ulong value, ulong page)
    {
        for (int i = 0; i < loads.Count; i++)
        {
            ulong start = Bytes.AlignDown(origin(loads[i]), page);
            ulong end = Bytes.AlignUp(origin(loads[i]) + Math.Max(loads[i].FileSize, 1), page);
            if (value >= start && value < end) return i;
        }
        return -1;
    }

    internal static string ByPermissions(Region r) =>
        r.Map.Executable ? "text" : r.Map.Writable ? "data" : "rodata";
}
