namespace Memlens.Formats.Procfs;

/// <summary>
/// Reads a whole /proc file. /proc reports a size of 0 and may change while read, so this reads to EOF
/// without trusting the length. The "process vanished" outcome is a false return, not an exception.
/// </summary>
public static class ProcFileReader
{
    public enum Outcome { Read, Missing, Denied, Vanished }

    /// <param name="maxBytes">stop after more than this many bytes: the caller sees a length beyond its limit.</param>
    /// <param name="expectedBytes">the size the file is expected to have (a regular file's length): read into a buffer of
    /// exactly that size, which is then the content, with no copy, when the file has not grown.</param>
    public static Outcome TryReadAll(string path, out byte[] content, out int length, int maxBytes = int.MaxValue - 1, int expectedBytes = 0)
    {
        content = [];
        length = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            // Most /proc files are a few kB (status, smaps_rollup): start small, double for the large ones.
            byte[] buffer = new byte[expectedBytes > 0 ? expectedBytes : 4096];
            int total = 0;
            Span<byte> probe = stackalloc byte[1];
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (stream.Read(probe) == 0) break;   // exactly full: the common case for a file of known size
                    Array.Resize(ref buffer, Math.Max(buffer.Length * 2, 64 * 1024));
                    buffer[total++] = probe[0];
                    continue;
                }
                int n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
                if (total > maxBytes) break;
            }
            content = buffer;
            length = total;
            return Outcome.Read;
        }
        catch (FileNotFoundException) { return Outcome.Missing; }
        catch (DirectoryNotFoundException) { return Outcome.Missing; }
        catch (UnauthorizedAccessException) { return Outcome.Denied; }
        // ESRCH (the task exited between open and read) surfaces as an IOException.
        catch (IOException) { return Outcome.Vanished; }
    }

    public static string? TryReadText(string path)
    {
        if (TryReadAll(path, out var bytes, out int length) != Outcome.Read) return null;
        return System.Text.Encoding.UTF8.GetString(bytes, 0, length);
    }
}
