using System.Buffers.Binary;

namespace Memlens.Formats.Elf;

/// <summary>
/// A little-endian ELF64 file's headers: the ELF header, program headers and section headers.
/// Reads only the header bytes it needs (a 100 MiB library costs a few KiB), and checks every count
/// and offset against the file's length and <see cref="ElfLimits"/>.
/// </summary>
public sealed class ElfFile
{
    public const ushort ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;

    private ElfFile(string name, ushort type, ushort machine, IReadOnlyList<ElfProgramHeader> programHeaders, IReadOnlyList<ElfSection> sections, string? interpreter)
    {
        Name = name;
        Type = type;
        Machine = machine;
        ProgramHeaders = programHeaders;
        Sections = sections;
        Interpreter = interpreter;
    }

    public string Name { get; }
    public ushort Type { get; }          // e_type
    public ushort Machine { get; }       // e_machine
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }
    public IReadOnlyList<ElfSection> Sections { get; }
    public string? Interpreter { get; }  // PT_INTERP contents, e.g. /lib64/ld-linux-x86-64.so.2

    public IEnumerable<ElfProgramHeader> Loads => ProgramHeaders.Where(p => p.IsLoad);
    public ElfSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>True for a file that starts with the ELF magic; reads 4 bytes.</summary>
    public static bool HasMagic(Stream stream)
    {
        Span<byte> magic = stackalloc byte[4];
        stream.Position = 0;
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    /// <param name="sections">false for a core dump: gdb appends a section table it does not need, which a truncated core loses.</param>
    public static ElfFile Read(Stream stream, string name, ElfLimits? limits = null, bool sections = true)
    {
        limits ??= ElfLimits.Default;
        long length = stream.Length;
        if (!HasMagic(stream)) throw new ElfFormatException(name, 0, "not an ELF file (no \\x7fELF magic)");
        var ident = ReadAt(stream, name, 0, 64, length);
        if (ident[4] != 2) throw new ElfFormatException(name, 4, $"ELF class {ident[4]} is not supported (only 64-bit)");
        if (ident[5] != 1) throw new ElfFormatException(name, 5, "big-endian ELF is not supported");
        var h = ident.AsSpan();
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(h[16..]);      // e_type
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(h[18..]);   // e_machine
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]);      // e_phoff
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(h[40..]);      // e_shoff
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(h[54..]); // e_phentsize
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(h[56..]);        // e_phnum
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(h[58..]); // e_shentsize
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(h[60..]);        // e_shnum
        int shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(h[62..]);     // e_shstrndx

        // PN_XNUM: more than 65535 program headers; the real count is section header 0's sh_info.
        if (phnum == 0xffff && shoff != 0 && shentsize >= 64)
            phnum = (int)BinaryPrimitives.ReadUInt32LittleEndian(ReadAt(stream, name, (long)shoff + 44, 4, length));
        if (phnum < 0 || phnum > limits.MaxProgramHeaders) throw new ElfFormatException(name, 56, $"{phnum} program headers exceed the limit of {limits.MaxProgramHeaders}");
        if (phnum > 0 && phentsize < 56) throw new ElfFormatException(name, 54, $"program header size {phentsize} is smaller than Elf64_Phdr (56)");
        var programHeaders = new List<ElfProgramHeader>(phnum);
        if (phnum > 0)
        {
            var table = ReadAt(stream, name, (long)phoff, TableBytes(name, 54, phnum, phentsize), length);
            for (int i = 0; i < phnum; i++)
            {
                var p = table.AsSpan(i * phentsize);
                programHeaders.Add(new ElfProgramHeader(
                    BinaryPrimitives.ReadUInt32LittleEndian(p),        // p_type
                    BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),   // p_flags
                    BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),   // p_offset
                    BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),  // p_vaddr
                    BinaryPrimitives.ReadUInt64LittleEndian(p[32..]),  // p_filesz
                    BinaryPrimitives.ReadUInt64LittleEndian(p[40..]),  // p_memsz
                    BinaryPrimitives.ReadUInt64LittleEndian(p[48..]))); // p_align
            }
        }

        var sectionList = sections ? ReadSections(stream, name, limits, length, shoff, shentsize, shnum, shstrndx) : [];
        string? interpreter = null;
        var interp = programHeaders.FirstOrDefault(p => p.Type == ElfProgramHeader.PT_INTERP);
        if (interp is not null && interp.FileSize is > 0 and < 4096)
            interpreter = System.Text.Encoding.UTF8.GetString(ReadAt(stream, name, (long)interp.Offset, (int)interp.FileSize, length)).TrimEnd('\0');
        return new ElfFile(name, type, machine, programHeaders, sectionList, interpreter);
    }

    public static ElfFile Read(string path, ElfLimits? limits = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess);
        return Read(stream, path, limits);
    }

    /// <summary>A section's bytes from the file, refusing sections larger than <paramref name="maxBytes"/> or past the end.</summary>
    public static byte[] ReadSection(Stream stream, string name, ElfSection section, int maxBytes)
    {
        if (section.Type == ElfSection.SHT_NOBITS) return [];
        if (section.Size > (ulong)maxBytes) throw new ElfFormatException(name, (long)section.Offset, $"section {section.Name} of {section.Size} bytes exceeds the limit of {maxBytes}");
        return ReadAt(stream, name, (long)section.Offset, (int)section.Size, stream.Length);
    }

    private static List<ElfSection> ReadSections(Stream stream, string name, ElfLimits limits, long length, ulong shoff, ushort shentsize, int shnum, int shstrndx)
    {
        var sections = new List<ElfSection>();
        if (shoff == 0 || shnum == 0) return sections;   // stripped of section headers: legal
        if (shentsize < 64) throw new ElfFormatException(name, 58, $"section header size {shentsize} is smaller than Elf64_Shdr (64)");
        if (shnum > limits.MaxSections) throw new ElfFormatException(name, 60, $"{shnum} sections exceed the limit of {limits.MaxSections}");
        var table = ReadAt(stream, name, (long)shoff, TableBytes(name, 58, shnum, shentsize), length);
        byte[] names = [];
        if (shstrndx < shnum)
        {
            var s = table.AsSpan(shstrndx * shentsize);
            ulong strOffset = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
            ulong strSize = BinaryPrimitives.ReadUInt64LittleEndian(s[32..]);
            if (strSize > (ulong)limits.MaxStringTableBytes)
                throw new ElfFormatException(name, (long)shoff + shstrndx * shentsize + 32, $"section name table of {strSize} bytes exceeds the limit of {limits.MaxStringTableBytes}");
            names = ReadAt(stream, name, (long)strOffset, (int)strSize, length);
        }
        for (int i = 0; i < shnum; i++)
        {
            var s = table.AsSpan(i * shentsize);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(s);      // sh_name
            sections.Add(new ElfSection(
                NameAt(names, nameOffset),
                BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),                // sh_type
                BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),                // sh_flags
                BinaryPrimitives.ReadUInt64LittleEndian(s[16..]),               // sh_addr
                BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),               // sh_offset
                BinaryPrimitives.ReadUInt64LittleEndian(s[32..])));             // sh_size
        }
        return sections;
    }

    private static string NameAt(byte[] table, uint offset)
    {
        if (offset >= table.Length) return "";
        int end = Array.IndexOf(table, (byte)0, (int)offset);
        if (end < 0) end = table.Length;
        return System.Text.Encoding.UTF8.GetString(table, (int)offset, end - (int)offset);
    }

    /// <summary>count × entry size, refused when it cannot be a table in a file (more than 2 GiB).</summary>
    private static int TableBytes(string name, long at, int count, int entrySize)
    {
        long bytes = (long)count * entrySize;
        if (bytes > int.MaxValue) throw new ElfFormatException(name, at, $"a table of {count} entries of {entrySize} bytes is larger than any file it could be in");
        return (int)bytes;
    }

    private static byte[] ReadAt(Stream stream, string name, long offset, int count, long length)
    {
        if (offset < 0 || count < 0 || offset > length || count > length - offset)
            throw new ElfFormatException(name, offset, $"{count} bytes needed but the file is {length} bytes long (truncated or corrupt)");
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
