namespace Memlens.Formats.Elf;

/// <summary>Elf64_Phdr, the fields memlens uses.</summary>
public sealed record ElfProgramHeader(
    uint Type,        // p_type
    uint Flags,       // p_flags: PF_X=1, PF_W=2, PF_R=4
    ulong Offset,     // p_offset
    ulong VirtualAddress, // p_vaddr
    ulong FileSize,   // p_filesz
    ulong MemorySize, // p_memsz
    ulong Align)      // p_align
{
    public const uint PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_TLS = 7, PT_GNU_RELRO = 0x6474e552;
    public const uint PF_X = 1, PF_W = 2, PF_R = 4;

    public bool IsLoad => Type == PT_LOAD;
    public string Permissions => $"{((Flags & PF_R) != 0 ? 'r' : '-')}{((Flags & PF_W) != 0 ? 'w' : '-')}{((Flags & PF_X) != 0 ? 'x' : '-')}";
}
