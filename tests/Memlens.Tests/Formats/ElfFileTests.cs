using System.Buffers.Binary;
using Memlens.Formats.Elf;
using Memlens.Tests.Support;

namespace Memlens.Tests.Formats;

public class ElfFileTests
{
    [Fact]
    public void Reads_a_real_pie_executable_built_by_gcc()
    {
        var elf = ElfFile.Read(SubjectBuilds.Threads);
        Assert.Equal(ElfFile.ET_DYN, elf.Type);
        Assert.Equal(62, elf.Machine);   // EM_X86_64
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", elf.Interpreter);
        var loads = elf.Loads.ToList();
        Assert.Equal(4, loads.Count);    // r--, r-x, r--, rw- (the layout ld uses on this toolchain)
        Assert.Equal(["r--", "r-x", "r--", "rw-"], loads.Select(l => l.Permissions));
        Assert.Contains(elf.ProgramHeaders, p => p.Type == ElfProgramHeader.PT_GNU_RELRO);
        Assert.NotNull(elf.Section(".text"));
        Assert.Equal(ElfSection.SHT_NOBITS, elf.Section(".bss")!.Type);
    }

    [Fact]
    public void Finds_go_build_info_in_a_go_binary()
    {
        var elf = ElfFile.Read(SubjectBuilds.GoHttpPure);
        Assert.Equal(ElfFile.ET_EXEC, elf.Type);
        Assert.NotNull(elf.Section(".go.buildinfo"));
        Assert.Null(elf.Interpreter);   // statically linked
    }

    [Fact]
    public void Not_elf_is_a_clear_error() =>
        Assert.Contains("not an ELF file", Assert.Throws<ElfFormatException>(() => Read(new byte[64])).Message);

    [Fact]
    public void Truncated_header_names_the_file_and_offset()
    {
        var e = Assert.Throws<ElfFormatException>(() => Read(Header()[..20]));
        Assert.Contains("test.elf", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
    }

    [Fact]
    public void Thirty_two_bit_and_big_endian_are_refused()
    {
        var h = Header();
        h[4] = 1;
        Assert.Contains("class 1", Assert.Throws<ElfFormatException>(() => Read(h)).Message);
        h = Header();
        h[5] = 2;
        Assert.Contains("big-endian", Assert.Throws<ElfFormatException>(() => Read(h)).Message);
    }

    [Fact]
    public void A_program_header_count_over_the_limit_is_refused()
    {
        var h = Header(phnum: 5000);
        Assert.Contains("exceed the limit", Assert.Throws<ElfFormatException>(() => Read(h)).Message);
    }

    [Fact]
    public void A_program_header_table_past_the_end_is_refused()
    {
        var h = Header(phnum: 2, phoff: 1 << 20);
        var e = Assert.Throws<ElfFormatException>(() => Read(h));
        Assert.Equal(1 << 20, e.Offset);
    }

    [Fact]
    public void A_section_name_table_over_the_limit_is_refused()
    {
        // One section header (the string table itself) claiming 1 GiB of names.
        var h = Header(shnum: 1, shoff: 64, shstrndx: 0);
        Array.Resize(ref h, 128);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(64 + 24), 0);          // sh_offset
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(64 + 32), 1UL << 30);  // sh_size
        Assert.Contains("section name table", Assert.Throws<ElfFormatException>(() => Read(h)).Message);
    }

    [Fact]
    public void A_minimal_valid_header_with_one_load_reads()
    {
        var h = Header(phnum: 1, phoff: 64);
        Array.Resize(ref h, 64 + 56);
        var p = h.AsSpan(64);
        BinaryPrimitives.WriteUInt32LittleEndian(p, ElfProgramHeader.PT_LOAD);
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], ElfProgramHeader.PF_R | ElfProgramHeader.PF_X);
        BinaryPrimitives.WriteUInt64LittleEndian(p[16..], 0x400000);
        BinaryPrimitives.WriteUInt64LittleEndian(p[32..], 0x1000);
        BinaryPrimitives.WriteUInt64LittleEndian(p[40..], 0x2000);
        var elf = Read(h);
        var load = Assert.Single(elf.Loads);
        Assert.Equal("r-x", load.Permissions);
        Assert.Equal(0x2000UL, load.MemorySize);
        Assert.Empty(elf.Sections);
    }

    private static ElfFile Read(byte[] bytes) => ElfFile.Read(new MemoryStream(bytes), "test.elf");

    private static byte[] Header(int phnum = 0, ulong phoff = 64, int shnum = 0, ulong shoff = 0, int shstrndx = 0)
    {
        var h = new byte[64];
        "\u007fELF"u8.CopyTo(h);
        h[4] = 2; h[5] = 1; h[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(16), ElfFile.ET_EXEC);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(32), phoff);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(40), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(56), (ushort)phnum);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(60), (ushort)shnum);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(62), (ushort)shstrndx);
        return h;
    }
}
