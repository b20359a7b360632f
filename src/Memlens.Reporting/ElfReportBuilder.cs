using Memlens.Core.Sources;
using Memlens.Formats.Elf;
using Memlens.Reporting.Model;

namespace Memlens.Reporting;

/// <summary>The sections of a binary (name, type, flags, address, size: the columns of debug/elf and size --format=sysv) under the segment that loads them.</summary>
public static class ElfReportBuilder
{
    private const ulong SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_TLS = 0x400;

    public static ElfReport Build(ElfImage image)
    {
        var elf = image.Elf;
        string type = elf.Type switch { ElfFile.ET_EXEC => "executable (ET_EXEC, fixed addresses)", ElfFile.ET_DYN => "shared object or PIE (ET_DYN, relocatable)", ElfFile.ET_CORE => "core file (ET_CORE)", _ => $"type {elf.Type}" };
        var placed = new HashSet<ElfSection>();
        var segments = new List<ElfSegmentRow>();
        foreach (var (p, i) in elf.ProgramHeaders.Select((p, i) => (p, i)).Where(x => x.p.IsLoad))
        {
            var sections = elf.Sections.Where(s => (s.Flags & SHF_ALLOC) != 0 && (s.Flags & SHF_TLS) == 0 && s.Address >= p.VirtualAddress && s.Address < p.VirtualAddress + p.MemorySize)
                .OrderBy(s => s.Address).ToList();
            placed.UnionWith(sections);
            var relro = elf.ProgramHeaders.FirstOrDefault(x => x.Type == ElfProgramHeader.PT_GNU_RELRO && x.VirtualAddress >= p.VirtualAddress && x.VirtualAddress < p.VirtualAddress + p.MemorySize);
            segments.Add(new ElfSegmentRow(i, p.Permissions + "p", p.VirtualAddress, p.MemorySize, p.FileSize, p.Offset,
                relro is not null && (p.Flags & ElfProgramHeader.PF_W) != 0 ? new ElfRange(relro.VirtualAddress, relro.MemorySize) : null,
                sections.Select(Row).ToList()));
        }
        var rest = elf.Sections.Where(s => s.Name.Length > 0 && !placed.Contains(s)).Select(Row).ToList();
        var go = image.Go is { } g ? new ElfGoBuild(g.GoVersion, g.Path, g.MainModule, g.Settings) : null;
        return new ElfReport(ElfReport.SchemaVersion, elf.Name, type, elf.Machine, elf.Interpreter, go, segments, rest);
    }

    private static ElfSectionRow Row(ElfSection s) => new(s.Name, TypeName(s.Type), Flags(s.Flags), s.Address, s.Offset, s.Size);

    private static string TypeName(uint t) => t switch
    {
        0 => "NULL",
        1 => "PROGBITS",
        2 => "SYMTAB",
        3 => "STRTAB",
        4 => "RELA",
        5 => "HASH",
        6 => "DYNAMIC",
        7 => "NOTE",
        8 => "NOBITS",
        9 => "REL",
        11 => "DYNSYM",
        14 => "INIT_ARRAY",
        15 => "FINI_ARRAY",
        0x6ffffff6 => "GNU_HASH",
        0x6ffffffe => "VERNEED",
        0x6fffffff => "VERSYM",
        _ => $"0x{t:x}",
    };

    private static string Flags(ulong f) =>
        ((f & SHF_ALLOC) != 0 ? "A" : "") + ((f & SHF_WRITE) != 0 ? "W" : "") + ((f & SHF_EXECINSTR) != 0 ? "X" : "") + ((f & SHF_TLS) != 0 ? "T" : "");
}
