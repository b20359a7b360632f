namespace Memlens.Formats.Elf;

/// <summary>Elf64_Shdr, the fields memlens uses.</summary>
public sealed record ElfSection(
    string Name,      // from .shstrtab via sh_name
    uint Type,        // sh_type
    ulong Flags,      // sh_flags: SHF_WRITE=1, SHF_ALLOC=2, SHF_EXECINSTR=4
    ulong Address,    // sh_addr
    ulong Offset,     // sh_offset
    ulong Size)       // sh_size
{
    public const uint SHT_NOBITS = 8;
}
