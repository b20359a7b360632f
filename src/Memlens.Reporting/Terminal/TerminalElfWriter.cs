using System.Globalization;
using Memlens.Formats.Elf;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>
/// `memlens elf`: the sections of a binary (name, type, flags, address, size: the columns of debug/elf and
/// size --format=sysv) grouped under the PT_LOAD segment that loads them, with the permissions that segment has in
/// /proc/PID/maps; then the sections that are not loaded at all.
/// </summary>
public static class TerminalElfWriter
{
    private const ulong SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_TLS = 0x400;

    public static void Write(ElfFile elf, GoBuildInfo? go, TextWriter w)
    {
        string type = elf.Type switch { ElfFile.ET_EXEC => "executable (ET_EXEC, fixed addresses)", ElfFile.ET_DYN => "shared object or PIE (ET_DYN, relocatable)", ElfFile.ET_CORE => "core file (ET_CORE)", _ => $"type {elf.Type}" };
        w.WriteLine($"{elf.Name}: ELF64 {type}, machine {elf.Machine}");
        w.WriteLine(elf.Interpreter is null ? "statically linked (no PT_INTERP)" : $"dynamically linked, interpreter {elf.Interpreter}");
        if (go is not null)
        {
            w.WriteLine($"Go build: {go.GoVersion}, path {go.Path ?? "?"}{(go.MainModule is null ? "" : $", module {go.MainModule}")}");
            w.WriteLine($"  settings: {string.Join(" ", go.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
        w.WriteLine();
        var loads = elf.ProgramHeaders.Select((p, i) => (p, i)).Where(x => x.p.IsLoad).ToList();
        var placed = new HashSet<ElfSection>();
        foreach (var (p, i) in loads)
        {
            string perms = p.Permissions + "p";
            w.WriteLine($"PT_LOAD[{i}]  {perms} in maps  vaddr 0x{p.VirtualAddress:x}  memsz {Size(p.MemorySize)} ({p.MemorySize:N0})  filesz {Size(p.FileSize)}  offset 0x{p.Offset:x}{(p.MemorySize > p.FileSize ? $"  (+{Size(p.MemorySize - p.FileSize)} zero-filled: bss, an anonymous mapping after the file's)" : "")}");
            var table = new TextTable("  section", "type", "flags", "addr", "size", "") { LeftAligned = new HashSet<int> { 0, 1, 2 } };
            foreach (var s in elf.Sections.Where(s => (s.Flags & SHF_ALLOC) != 0 && (s.Flags & SHF_TLS) == 0 && s.Address >= p.VirtualAddress && s.Address < p.VirtualAddress + p.MemorySize).OrderBy(s => s.Address))
            {
                placed.Add(s);
                table.Add("  " + s.Name, TypeName(s.Type), Flags(s.Flags), $"0x{s.Address:x}", s.Size.ToString("N0", CultureInfo.InvariantCulture), Size(s.Size));
            }
            table.WriteTo(w, "  ");
            var relro = elf.ProgramHeaders.FirstOrDefault(x => x.Type == ElfProgramHeader.PT_GNU_RELRO && x.VirtualAddress >= p.VirtualAddress && x.VirtualAddress < p.VirtualAddress + p.MemorySize);
            if (relro is not null && (p.Flags & ElfProgramHeader.PF_W) != 0)
                w.WriteLine($"    PT_GNU_RELRO 0x{relro.VirtualAddress:x}+{Size(relro.MemorySize)}: made read-only after relocation, so this segment shows in maps as r--p then rw-p");
            w.WriteLine();
        }
        var rest = elf.Sections.Where(s => s.Name.Length > 0 && !placed.Contains(s)).ToList();
        if (rest.Count > 0)
        {
            w.WriteLine("not loaded into memory (on disk only, or thread-local templates):");
            var table = new TextTable("  section", "type", "flags", "offset", "size", "") { LeftAligned = new HashSet<int> { 0, 1, 2 } };
            foreach (var s in rest) table.Add("  " + s.Name, TypeName(s.Type), Flags(s.Flags), $"0x{s.Offset:x}", s.Size.ToString("N0", CultureInfo.InvariantCulture), Size(s.Size));
            table.WriteTo(w, "  ");
        }
    }

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
