using Memlens.Core.Model;
using Memlens.Formats.Elf;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// An ELF core dump as a snapshot: PT_LOAD → regions (named from NT_FILE; [vdso] from AT_SYSINFO_EHDR), NT_PRSTATUS →
/// threads with their stack pointers, the dumped bytes → the memory probe. A core has no RSS or PSS.
/// </summary>
public static class CoreSource
{
    public static bool IsCore(string path)
    {
        try
        {
            using var s = File.OpenRead(path);
            Span<byte> h = stackalloc byte[18];
            return s.ReadAtLeast(h, 18, throwOnEndOfStream: false) == 18 && h[..4].SequenceEqual("\u007fELF"u8) && h[16] == 4 && h[17] == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public sealed record Loaded(ProcessSnapshot Snapshot, ElfCoreFile Core)
    {
        private readonly ElfProgramHeader[] _loads = [.. Core.Loads.OrderBy(l => l.VirtualAddress)];

        /// <summary>Bytes of [start, end) the core holds (p_filesz of the PT_LOADs over it).</summary>
        public ulong DumpedBytes(ulong start, ulong end)
        {
            int lo = 0, hi = _loads.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_loads[mid].VirtualAddress + _loads[mid].MemorySize <= start) lo = mid + 1; else hi = mid;
            }
            ulong total = 0;
            for (int i = lo; i < _loads.Length && _loads[i].VirtualAddress < end; i++)
            {
                ulong a = Math.Max(start, _loads[i].VirtualAddress), b = Math.Min(end, _loads[i].VirtualAddress + _loads[i].FileSize);
                if (b > a) total += b - a;
            }
            return total;
        }
    }

    public static Loaded Load(string path, string? exeOverride = null)
    {
        ElfCoreFile core;
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
            core = ElfCoreFile.Read(stream, path);
        }
        catch (ElfFormatException e) { throw new MemlensException(ExitCode.BadInput, e.Message); }
        catch (EndOfStreamException) { throw new MemlensException(ExitCode.BadInput, $"{path}: the core ends inside its headers (truncated)"); }
        catch (FileNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{path}: no such core file"); }
        catch (UnauthorizedAccessException) { throw new MemlensException(ExitCode.PermissionDenied, $"{path}: permission denied"); }

        ulong? vdso = core.Auxv.TryGetValue(ElfCoreFile.AT_SYSINFO_EHDR, out ulong v) ? v : null;
        // The kernel aligns PT_LOADs to the page (ELF_EXEC_PAGESIZE); gdb's gcore writes 1, marks inaccessible
        // mappings readable, and leaves read-only file mappings out of PT_LOAD (they are only in NT_FILE).
        bool gdb = core.Loads.Count > 0 && core.Loads.All(l => l.Align == 1);
        // .NET's createdump writes its PT_NOTE with p_align 0 (the kernel 4, gdb 1) and only the memory it chose.
        bool createdump = !gdb && core.Elf.ProgramHeaders.Any(p => p.Type == ElfProgramHeader.PT_NOTE && p.Align == 0);
        var layouts = new Dictionary<string, ElfFile?>();
        string? exeFromAuxv = ExeFromAuxv(core);
        var maps = CoreMappings.Build(core, (file, offset) => PermsFromFile(file.Path, offset, layouts, exeOverride, exeFromAuxv), out var mappingProblems);
        for (int i = 0; i < maps.Count; i++)
        {
            var m = maps[i];
            if (m.Inode != 0) continue;
            string perms = gdb && m.Perms == "r--p" ? "---p" : m.Perms;
            string name = m.Start == vdso ? "[vdso]" : m.Start == 0xffffffffff600000 ? "[vsyscall]" : "";
            if (gdb && name == "[vsyscall]") perms = "--xp";   // the gate page is execute-only; gdb adds R to everything
            maps[i] = m with { Perms = perms, Path = name };
        }
        maps = NameVvarPages(maps, vdso);
        var probe = new CoreMemoryProbe(stream, core);
        string? diagnosticPage = null;
        if (createdump && DiagnosticInfoPage(maps, probe) is { } diag)
        {
            maps.Remove(diag);
            diagnosticPage = $"createdump's own DIAGINFOHEADER page at 0x{diag.Start:x} is not the process's memory: left out";
        }
        var regions = new List<Region>();
        foreach (var m in maps) regions.Add(new Region(regions.Count, m, null));
        string? exe = exeOverride ?? exeFromAuxv;
        var threads = core.Threads.Select(t => new ThreadInfo(t.Tid, null, new TaskSyscall(false, null, t.StackPointer, t.InstructionPointer), null)).ToList();
        // NT_PRPSINFO names the process (the main thread's tid); the first NT_PRSTATUS is the thread that took the signal.
        int pid = core.Pid is int p && core.Threads.Any(t => t.Tid == p) ? p : core.Threads.FirstOrDefault()?.Tid ?? 0;
        ulong? initialStack = core.Auxv.TryGetValue(ElfCoreFile.AT_EXECFN, out ulong execfn) ? execfn
            : core.Auxv.TryGetValue(ElfCoreFile.AT_RANDOM, out ulong random) ? random : null;
        var snapshot = new ProcessSnapshot
        {
            Pid = pid,
            Comm = core.Command,
            Exe = exe,
            Cmdline = core.Arguments is null ? [] : core.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Regions = regions,
            HasSmaps = false,
            Threads = threads,
            Source = $"core {path}",
            RecordsRegionNames = false,
            InitialStackAddress = initialStack,
            PageSize = 4096,
            Images = new CoreImageInspector(exeOverride, exe),
            Memory = probe,
        };
        var warnings = new List<string>();
        warnings.Add("a core dump has no RSS, PSS or swap: memlens shows each owner's dumped bytes instead (see CORE)");
        if (gdb) warnings.Add("written by gdb's gcore (p_align 1): it marks PROT_NONE mappings readable, so anonymous read-only mappings are taken as PROT_NONE reservations, and file mappings it left out of PT_LOAD are shown from NT_FILE with the protections of the file's own PT_LOAD (r--p when the file is not here); a kernel-written core records protections exactly");
        if (createdump) warnings.Add($"written by .NET's createdump (PT_NOTE p_align 0): it writes only the memory a debugger needs — memory ranges that may be part of a mapping or span adjacent ones — and no reservations (PROT_NONE), so these {maps.Count} mappings are a subset of the process's and VSZ here ({Bytes.Format(maps.Aggregate(0UL, (a, m) => a + m.Size))}) is what was written, not the process's; the .NET GC's reserved range is not in the core, so its committed pieces stay unattributed");
        if (diagnosticPage is not null) warnings.Add(diagnosticPage);
        warnings.AddRange(mappingProblems.Select(p => p + " (the report is partial)"));
        warnings.AddRange(core.Problems.Select(p => p + " (the report is partial)"));
        snapshot = snapshot with { Warnings = warnings };
        return new Loaded(snapshot, core);
    }

    /// <summary>createdump adds a page of its own (SpecialDiagInfoAddress) that starts with "DIAGINFOHEADER".</summary>
    private static MapsEntry? DiagnosticInfoPage(List<MapsEntry> maps, IMemoryProbe probe)
    {
        var magic = new byte[14];
        return maps.FirstOrDefault(m => m.Inode == 0 && m.Start == 0x7ffffff10000 && probe.TryRead(m.Start, magic) && magic.SequenceEqual("DIAGINFOHEADER"u8));
    }

    /// <summary>
    /// The kernel writes [vvar] (and, on 6.x x86, [vvar_vclock]) without a name: they are the read-only anonymous
    /// pages directly below the vDSO, where map_vdso puts them (arch/x86/entry/vdso/vma.c). gcore leaves them out.
    /// </summary>
    private static List<MapsEntry> NameVvarPages(List<MapsEntry> maps, ulong? vdso)
    {
        int at = vdso is null ? -1 : maps.FindIndex(m => m.Start == vdso);
        const ulong MaxVvar = 16 * 4096;
        bool IsVvarLike(int i, ulong end) => i >= 0 && maps[i].End == end && maps[i].Inode == 0 && maps[i].Path.Length == 0
            && maps[i].Perms == "r--p" && maps[i].End - maps[i].Start <= MaxVvar;
        if (at <= 0 || !IsVvarLike(at - 1, maps[at].Start)) return maps;
        if (IsVvarLike(at - 2, maps[at - 1].Start))
        {
            maps[at - 1] = maps[at - 1] with { Path = "[vvar_vclock]" };
            maps[at - 2] = maps[at - 2] with { Path = "[vvar]" };
        }
        else maps[at - 1] = maps[at - 1] with { Path = "[vvar]" };
        return maps;
    }

    /// <summary>
    /// A mapping gcore left out of PT_LOAD: its protections are those of the file's PT_LOAD at that offset, when the
    /// file is here to read; otherwise r--p, and the warning says protections were not recorded.
    /// </summary>
    private static string PermsFromFile(string filePath, ulong offset, Dictionary<string, ElfFile?> cache, string? exeOverride, string? exe)
    {
        string path = exeOverride is not null && filePath == exe ? exeOverride : filePath;
        if (!cache.TryGetValue(path, out var elf))
        {
            try { elf = File.Exists(path) ? ElfFile.Read(path) : null; }
            catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException) { elf = null; }
            cache[path] = elf;
        }
        var load = elf?.Loads.FirstOrDefault(l => offset >= (l.Offset & ~4095UL) && offset < l.Offset + Math.Max(l.FileSize, 1));
        return load is null ? "r--p" : load.Permissions + "p";
    }

    private static string? ExeFromAuxv(ElfCoreFile core)
    {
        if (!core.Auxv.TryGetValue(ElfCoreFile.AT_PHDR, out ulong phdr)) return core.Files.FirstOrDefault()?.Path;
        return core.Files.FirstOrDefault(f => phdr >= f.Start && phdr < f.End)?.Path ?? core.Files.FirstOrDefault()?.Path;
    }

    /// <summary>Reads ELF layouts from the files on this machine; --exe stands in for the executable.</summary>
    private sealed class CoreImageInspector(string? exeOverride, string? exePath) : IImageInspector
    {
        private readonly FileImageInspector _files = new("/nonexistent");

        public ImageLayout? Inspect(Region region, out string? problem)
        {
            if (exeOverride is not null && region.Map.FilePath == exePath)
            {
                var stand = new Region(region.Index, region.Map with { Path = exeOverride }, null);
                return _files.Inspect(stand, out problem);
            }
            return _files.Inspect(region, out problem);
        }
    }

    /// <summary>Serves reads from the bytes the core holds for an address (nothing where p_filesz is 0).</summary>
    private sealed class CoreMemoryProbe(Stream stream, ElfCoreFile core) : IMemoryProbe
    {
        public bool TryRead(ulong address, Span<byte> destination)
        {
            foreach (var l in core.Loads)
            {
                if (address < l.VirtualAddress || address + (ulong)destination.Length > l.VirtualAddress + l.FileSize) continue;
                long at = (long)(l.Offset + (address - l.VirtualAddress));
                if (at < 0 || at > stream.Length - destination.Length) return false;   // a corrupt offset, or past a truncated end
                stream.Position = at;
                return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) == destination.Length;
            }
            return false;
        }
    }
}
