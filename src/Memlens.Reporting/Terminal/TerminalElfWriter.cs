using System.Globalization;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>
/// `memlens elf`: the sections of a binary grouped under the PT_LOAD segment that loads them, with the permissions
/// that segment has in /proc/PID/maps; then the sections that are not loaded at all.
/// </summary>
public static class TerminalElfWriter
{
    public static void Write(ElfReport r, TextWriter w) => Write(r, w, TerminalLayout.Plain);

    /// <summary>On a terminal, long lines wrap and the tables drop their least useful columns (flags, then the exact size).</summary>
    public static void Write(ElfReport r, TextWriter w, TerminalLayout layout)
    {
        WriteLine(w, $"{r.File}: ELF64 {r.Type}, machine {r.Machine}", layout);
        WriteLine(w, r.Interpreter is null ? "statically linked (no PT_INTERP)" : $"dynamically linked, interpreter {r.Interpreter}", layout);
        if (r.Go is { } go)
        {
            WriteLine(w, $"Go build: {go.Version}, path {go.Path ?? "?"}{(go.Module is null ? "" : $", module {go.Module}")}", layout);
            WriteLine(w, $"  settings: {string.Join(" ", go.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}", layout, "    ");
        }
        w.WriteLine();
        foreach (var p in r.Segments)
        {
            WriteLine(w, $"PT_LOAD[{p.Index}]  {p.MapsPerms} in maps  vaddr 0x{p.VirtualAddress:x}  memsz {Size(p.MemorySize)} ({p.MemorySize:N0})  filesz {Size(p.FileSize)}  offset 0x{p.Offset:x}{(p.MemorySize > p.FileSize ? $"  (+{Size(p.MemorySize - p.FileSize)} zero-filled: bss, an anonymous mapping after the file's)" : "")}", layout, "    ");
            var table = new TextTable("  section", "type", "flags", "addr", "size", "") { LeftAligned = new HashSet<int> { 0, 1, 2 }, Elastic = 0, DropFirst = [2, 4, 1] };
            foreach (var s in p.Sections)
                table.Add("  " + s.Name, s.Type, s.Flags, $"0x{s.Address:x}", s.Size.ToString("N0", CultureInfo.InvariantCulture), Size(s.Size));
            table.WriteTo(w, layout, "  ");
            if (p.Relro is { } relro)
                WriteLine(w, $"    PT_GNU_RELRO 0x{relro.VirtualAddress:x}+{Size(relro.MemorySize)}: made read-only after relocation, so this segment shows in maps as r--p then rw-p", layout, "  ");
            w.WriteLine();
        }
        if (r.NotLoaded.Count > 0)
        {
            w.WriteLine("not loaded into memory (on disk only, or thread-local templates):");
            var table = new TextTable("  section", "type", "flags", "offset", "size", "") { LeftAligned = new HashSet<int> { 0, 1, 2 }, Elastic = 0, DropFirst = [2, 4, 1] };
            foreach (var s in r.NotLoaded) table.Add("  " + s.Name, s.Type, s.Flags, $"0x{s.Offset:x}", s.Size.ToString("N0", CultureInfo.InvariantCulture), Size(s.Size));
            table.WriteTo(w, layout, "  ");
        }
    }
}
