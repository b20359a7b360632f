using System.CommandLine;
using Memlens.Core;
using Memlens.Formats.Elf;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens elf BINARY`: sections grouped into the segments they load in, with the permissions each gets in maps.</summary>
internal static class ElfCommand
{
    private static readonly Argument<string> Binary = new("binary") { Description = "an ELF executable or shared library" };

    public static Command Create(CliConsole console)
    {
        var command = new Command("elf", "sections and segments of a binary, and where each lands in a running process") { Binary };
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Binary)!)));
        return command;
    }

    public static int Run(CliConsole console, string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.RandomAccess);
            var elf = ElfFile.Read(stream, path);
            GoBuildInfo? go = elf.Section(".go.buildinfo") is null ? null : GoBuildInfo.Read(stream, elf, out _);
            TerminalElfWriter.Write(elf, go, console.Out);
            return 0;
        }
        catch (ElfFormatException e) { throw new MemlensException(ExitCode.BadInput, e.Message); }
        catch (FileNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{path}: no such file"); }
        catch (UnauthorizedAccessException) { throw new MemlensException(ExitCode.PermissionDenied, $"{path}: permission denied"); }
        catch (IOException e) { throw new MemlensException(ExitCode.BadInput, $"{path}: {e.Message.TrimEnd('.')}"); }
    }
}
