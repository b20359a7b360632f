using Memlens.Formats.Elf;

namespace Memlens.Core.Sources;

/// <summary>A binary as `memlens elf` shows it: its ELF headers and, for a Go binary, its build info.</summary>
public sealed record ElfImage(ElfFile Elf, GoBuildInfo? Go);

public static class ElfInspection
{
    public static ElfImage Read(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new MemlensException(ExitCode.BadInput, $"{path} is a directory, not an ELF file");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess);
            var elf = ElfFile.Read(stream, path);
            var go = elf.Section(".go.buildinfo") is null ? null : GoBuildInfo.Read(stream, elf, out _);
            return new ElfImage(elf, go);
        }
        catch (ElfFormatException e) { throw new MemlensException(ExitCode.BadInput, e.Message); }
        catch (FileNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{path}: no such file"); }
        catch (DirectoryNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{path}: no such file"); }
        catch (UnauthorizedAccessException) { throw new MemlensException(ExitCode.PermissionDenied, $"{path}: permission denied"); }
        catch (IOException e) { throw new MemlensException(ExitCode.BadInput, $"{path}: {e.Message.TrimEnd('.')}"); }
    }
}
