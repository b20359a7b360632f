namespace Memlens.Formats.Elf;

/// <summary>Upper bounds on every count read from untrusted ELF bytes.</summary>
public sealed record ElfLimits(int MaxProgramHeaders = 4096, int MaxSections = 65535, int MaxStringTableBytes = 16 << 20)
{
    public static readonly ElfLimits Default = new();
}

/// <summary>An ELF file that is not what its header claims: names the file, the offset and the rule broken.</summary>
public sealed class ElfFormatException(string file, long offset, string message)
    : Exception($"{file}: {message} (at offset 0x{offset:x})")
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
}
