using System.Buffers;
using System.Threading.Channels;

namespace Memlens.Formats.Procfs;

/// <summary>
/// Reads a /proc file on a second thread in pooled chunks and hands them to the caller as they arrive, so parsing
/// overlaps the kernel's work of producing the file (for smaps, walking every mapping's page tables).
/// </summary>
public static class ProcFileStreamer
{
    public const int ChunkBytes = 256 * 1024;

    /// <summary>Streams <paramref name="path"/> into <paramref name="consume"/>; the outcome as <see cref="ProcFileReader.TryReadAll"/>.</summary>
    public static ProcFileReader.Outcome Stream(string path, Action<ReadOnlySpan<byte>> consume)
    {
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None); }
        catch (FileNotFoundException) { return ProcFileReader.Outcome.Missing; }
        catch (DirectoryNotFoundException) { return ProcFileReader.Outcome.Missing; }
        catch (UnauthorizedAccessException) { return ProcFileReader.Outcome.Denied; }
        catch (IOException) { return ProcFileReader.Outcome.Vanished; }

        var channel = Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var outcome = ProcFileReader.Outcome.Read;
        var reader = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    int filled = 0;
                    // Fill the chunk: seq_file hands out about a page per read().
                    while (filled < ChunkBytes)
                    {
                        int n = stream.Read(buffer, filled, ChunkBytes - filled);
                        if (n == 0) break;
                        filled += n;
                    }
                    if (filled == 0) { ArrayPool<byte>.Shared.Return(buffer); break; }
                    while (!channel.Writer.TryWrite((buffer, filled))) channel.Writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult();
                    if (filled < ChunkBytes) break;
                }
            }
            catch (UnauthorizedAccessException) { outcome = ProcFileReader.Outcome.Denied; }
            catch (IOException) { outcome = ProcFileReader.Outcome.Vanished; }
            finally
            {
                stream.Dispose();
                channel.Writer.Complete();
            }
        })
        { IsBackground = true, Name = "memlens-proc-reader" };
        reader.Start();
        var items = channel.Reader;
        while (items.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (items.TryRead(out var item))
            {
                consume(item.Buffer.AsSpan(0, item.Length));
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }
        reader.Join();
        return outcome;
    }
}
