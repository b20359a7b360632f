namespace Memlens.Formats.Text;

/// <summary>The kernel writes LF; text that went through another system may come back with CRLF.</summary>
public static class LineEndings
{
    /// <summary>The bytes with every CR that ends a line removed; the same array when there is none.</summary>
    public static byte[] ToLf(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)'\r') < 0) return bytes;
        var result = new byte[bytes.Length];
        int n = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && (i + 1 == bytes.Length || bytes[i + 1] == '\n')) continue;
            result[n++] = bytes[i];
        }
        return result.AsSpan(0, n).ToArray();
    }
}
