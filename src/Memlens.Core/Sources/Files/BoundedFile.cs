using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// Reads a file the user named, whole, up to a limit: the size is counted as read, never taken from stat, so a pipe
/// (`&lt;(curl …)`), /dev/zero or a file that grows while read all stop at the limit with one line.
/// </summary>
public static class BoundedFile
{
    /// <param name="what">how the file is named in a message ("--metrics x.txt").</param>
    /// <param name="limitFor">what the limit is for ("a metrics page").</param>
    public static byte[] Read(string path, int max, string what, string limitFor)
    {
        var outcome = ProcFileReader.TryReadAll(path, out var buffer, out int length, max);
        return outcome switch
        {
            ProcFileReader.Outcome.Read when length > max =>
                throw new MemlensException(ExitCode.BadInput, $"{what}: larger than {Describe(max)}, the limit for {limitFor} (docs/limits.md)"),
            ProcFileReader.Outcome.Read => buffer.AsSpan(0, length).ToArray(),
            ProcFileReader.Outcome.Missing => throw new MemlensException(ExitCode.BadInput, $"{what}: no such file"),
            ProcFileReader.Outcome.Denied => throw new MemlensException(ExitCode.PermissionDenied, $"{what}: permission denied"),
            _ => throw new MemlensException(ExitCode.BadInput, $"{what}: could not be read"),
        };
    }

    private static string Describe(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}
