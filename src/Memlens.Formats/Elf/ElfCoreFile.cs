using System.Buffers.Binary;
using System.Text;

namespace Memlens.Formats.Elf;

/// <summary>One thread of a core: NT_PRSTATUS (struct elf_prstatus, x86-64).</summary>
public sealed record CoreThread(int Tid, ulong StackPointer, ulong InstructionPointer);

/// <summary>One NT_FILE entry: a file-backed mapping and its file offset in bytes.</summary>
public sealed record CoreFileMapping(ulong Start, ulong End, ulong Offset, string Path);

/// <summary>
/// An ELF core dump (fs/binfmt_elf.c): one PT_LOAD per VMA (p_filesz 0 where nothing was dumped), and the notes:
/// NT_PRSTATUS per thread, NT_PRPSINFO, NT_AUXV, NT_FILE. Every count and size is checked against the file and the
/// limits; a note segment that runs past the end is read as far as it goes and reported.
/// </summary>
public sealed class ElfCoreFile
{
    public const uint NT_PRSTATUS = 1, NT_PRPSINFO = 3, NT_AUXV = 6, NT_FILE = 0x46494c45;
    public const int MaxNotes = 1_000_000, MaxFileEntries = 1_000_000, MaxNoteBytes = 256 << 20;
    /// <summary>A core has one program header per mapping (extended numbering past 65,535).</summary>
    public const int MaxProgramHeaders = 1 << 20;
    private const int PrStatusPid = 32, PrStatusRegs = 112, RegRsp = 19, RegRip = 16;   // x86-64 offsets and user_regs_struct indexes

    public required ElfFile Elf { get; init; }
    public required IReadOnlyList<ElfProgramHeader> Loads { get; init; }
    public required IReadOnlyList<CoreThread> Threads { get; init; }
    public required IReadOnlyList<CoreFileMapping> Files { get; init; }
    public required IReadOnlyDictionary<ulong, ulong> Auxv { get; init; }
    public int? Pid { get; init; }             // pr_pid: the main thread's tid
    public string? Command { get; init; }      // pr_fname
    public string? Arguments { get; init; }    // pr_psargs
    public List<string> Problems { get; } = [];

    public const ulong AT_PHDR = 3, AT_RANDOM = 25, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33;

    public static ElfCoreFile Read(Stream stream, string name, ElfLimits? limits = null)
    {
        var elf = ElfFile.Read(stream, name, limits ?? new ElfLimits(MaxProgramHeaders: MaxProgramHeaders), sections: false);
        if (elf.Type != ElfFile.ET_CORE) throw new ElfFormatException(name, 16, $"e_type {elf.Type} is not ET_CORE (4): not a core dump");
        if (elf.Machine != 62) throw new ElfFormatException(name, 18, $"e_machine {elf.Machine} is not x86-64 (62); only x86-64 cores are read");
        var threads = new List<CoreThread>();
        var files = new List<CoreFileMapping>();
        var auxv = new Dictionary<ulong, ulong>();
        string? command = null, args = null;
        int? pid = null;
        var problems = new List<string>();
        long length = stream.Length;
        int notes = 0;
        foreach (var seg in elf.ProgramHeaders.Where(p => p.Type == ElfProgramHeader.PT_NOTE))
        {
            if (seg.Offset >= (ulong)length)
            {
                problems.Add($"the note segment at offset 0x{seg.Offset:x} lies past the end of the file ({length:N0} bytes: truncated or corrupt core); not read");
                continue;
            }
            ulong size = Math.Min(seg.FileSize, (ulong)length - seg.Offset);
            if (size < seg.FileSize) problems.Add($"the note segment at offset 0x{seg.Offset:x} runs past the end of the file (truncated core); notes were read as far as they go");
            if (size > MaxNoteBytes) { problems.Add($"a note segment of {size} bytes exceeds the limit of {MaxNoteBytes}; not read"); continue; }
            var data = new byte[size];
            stream.Position = (long)seg.Offset;
            stream.ReadExactly(data);
            int at = 0;
            while (at + 12 <= data.Length)
            {
                if (++notes > MaxNotes) { problems.Add($"more than {MaxNotes} notes; the rest were not read"); break; }
                uint namesz = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
                uint descsz = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 4));
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 8));
                long descAt = at + 12 + Align4(namesz);
                if (namesz > 256 || descAt + descsz > data.Length)
                {
                    problems.Add($"a note at offset 0x{seg.Offset + (ulong)at:x} claims {namesz}+{descsz} bytes past its segment; the notes after it were not read");
                    break;
                }
                var desc = data.AsSpan((int)descAt, (int)descsz);
                switch (type)
                {
                    case NT_PRSTATUS when desc.Length >= PrStatusRegs + ((RegRsp + 1) * 8):
                        threads.Add(new CoreThread(BinaryPrimitives.ReadInt32LittleEndian(desc[PrStatusPid..]),
                            BinaryPrimitives.ReadUInt64LittleEndian(desc[(PrStatusRegs + (RegRsp * 8))..]),
                            BinaryPrimitives.ReadUInt64LittleEndian(desc[(PrStatusRegs + (RegRip * 8))..])));
                        break;
                    case NT_PRPSINFO when desc.Length >= 136:
                        pid = BinaryPrimitives.ReadInt32LittleEndian(desc[24..]);
                        command = CString(desc.Slice(40, 16));
                        args = CString(desc.Slice(56, 80));
                        break;
                    case NT_AUXV:
                        for (int i = 0; i + 16 <= desc.Length; i += 16)
                        {
                            ulong key = BinaryPrimitives.ReadUInt64LittleEndian(desc[i..]);
                            if (key == 0) break;
                            auxv[key] = BinaryPrimitives.ReadUInt64LittleEndian(desc[(i + 8)..]);
                        }
                        break;
                    case NT_FILE:
                        ReadFileNote(desc, files, problems);
                        break;
                }
                at = (int)(descAt + Align4(descsz));
            }
        }
        var core = new ElfCoreFile
        {
            Elf = elf,
            Loads = elf.Loads.ToList(),
            Threads = threads,
            Files = files,
            Auxv = auxv,
            Pid = pid,
            Command = command,
            Arguments = args,
        };
        core.Problems.AddRange(problems);
        foreach (var l in core.Loads.Where(l => l.FileSize > 0 && (l.Offset >= (ulong)length || l.FileSize > (ulong)length - l.Offset)).Take(1))
            core.Problems.Add($"the core is truncated: memory dumped for 0x{l.VirtualAddress:x} and later lies past the end of the file");
        return core;
    }

    /// <summary>NT_FILE: count, page_size, count × {start, end, file_ofs}, then count NUL-terminated names.</summary>
    private static void ReadFileNote(ReadOnlySpan<byte> d, List<CoreFileMapping> files, List<string> problems)
    {
        if (d.Length < 16) { problems.Add("NT_FILE is shorter than its header"); return; }
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(d);
        ulong page = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]);
        if (count > MaxFileEntries || (ulong)d.Length < 16 + (count * 24)) { problems.Add($"NT_FILE claims {count} entries, more than it holds; file names are not known"); return; }
        int names = 16 + (int)(count * 24);
        for (int i = 0; i < (int)count; i++)
        {
            var e = d.Slice(16 + (i * 24), 24);
            int nul = names < d.Length ? d[names..].IndexOf((byte)0) : -1;
            if (nul < 0) { problems.Add("NT_FILE's names end before its entries do"); return; }
            files.Add(new CoreFileMapping(BinaryPrimitives.ReadUInt64LittleEndian(e), BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[16..]) * page, Encoding.UTF8.GetString(d.Slice(names, nul))));
            names += nul + 1;
        }
    }

    private static long Align4(uint n) => (n + 3L) & ~3L;

    private static string CString(ReadOnlySpan<byte> s)
    {
        int nul = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? s : s[..nul]).TrimEnd();
    }
}
