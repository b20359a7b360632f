namespace Memlens.Core.Sources.Files;

/// <summary>
/// Reads a file the user named, whole, up to a limit: the size is counted as read, never taken from stat, so a pipe
/// (`&lt;(curl …)`), /dev/zero or a file that grows while read all stop at the limit with one line.
/// </summary>
public static class BoundedFile
{
    /// <param name="what">how the file is named in a message ("--metrics x.txt").</param>
    /// <param name="limitFor">what the limit is for ("a metrics page").</param>
    public static byte[] Read(string path, long max, string what, string limitFor)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            var content = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (content.Length + n > max)
                    throw new MemlensException(ExitCode.BadInput, $"{what}: larger than {Describe(max)}, the limit for {limitFor} (docs/limits.md)");
                content.Write(chunk, 0, n);
            }
            return content.ToArray();
        }
        catch (FileNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{what}: no such file"); }
        catch (DirectoryNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{what}: no such file"); }
        catch (UnauthorizedAccessException) { throw new MemlensException(ExitCode.PermissionDenied, $"{what}: permission denied"); }
        catch (IOException e) { throw new MemlensException(ExitCode.BadInput, $"{what}: could not be read ({e.Message.TrimEnd('.')})"); }
    }

    private static string Describe(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
}
