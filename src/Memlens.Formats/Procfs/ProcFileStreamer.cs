using System.Buffers;
using System.Threading.Channels;

namespace Memlens.Formats.Procfs;

/// <summary>
/// Reads a /proc file in pooled chunks and hands them to the caller as they arrive. The first chunk is read on the
/// caller's thread: most files end there, and a thread would cost more than it saves. A longer file (smaps of
/// thousands of mappings) is read on a second thread from then on, so parsing overlaps the kernel's work of
/// producing it (for smaps, walking every mapping's page tables).
/// </summary>
public static class ProcFileStreamer
{
    public const int ChunkBytes = 256 * 1024;

    /// <summary>Streams <paramref name="path"/> into <paramref name="consume"/>; the outcome as <see cref="ProcFileReader.TryReadAll"/>.</summary>
    /// <param name="onLong">called once, on the caller's thread, when the file turns out longer than one chunk.</param>
    public static ProcFileReader.Outcome Stream(string path, Action<ReadOnlySpan<byte>> consume, Action? onLong = null)
    {
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None); }
        catch (FileNotFoundException) { return ProcFileReader.Outcome.Missing; }
        catch (DirectoryNotFoundException) { return ProcFileReader.Outcome.Missing; }
        catch (UnauthorizedAccessException) { return ProcFileReader.Outcome.Denied; }
        catch (IOException) { return ProcFileReader.Outcome.Vanished; }

        var first = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        int filled;
        try { filled = Fill(stream, first); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            stream.Dispose();
            ArrayPool<byte>.Shared.Return(first);
            return e is UnauthorizedAccessException ? ProcFileReader.Outcome.Denied : ProcFileReader.Outcome.Vanished;
        }
        if (filled < ChunkBytes)
        {
            stream.Dispose();
            consume(first.AsSpan(0, filled));
            ArrayPool<byte>.Shared.Return(first);
            return ProcFileReader.Outcome.Read;
        }
        onLong?.Invoke();
        return StreamTheRest(stream, first, consume);
    }

    /// <summary>Fills the chunk: seq_file hands out about a page per read().</summary>
    private static int Fill(FileStream stream, byte[] buffer)
    {
        int filled = 0;
        while (filled < ChunkBytes)
        {
            int n = stream.Read(buffer, filled, ChunkBytes - filled);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    private static ProcFileReader.Outcome StreamTheRest(FileStream stream, byte[] first, Action<ReadOnlySpan<byte>> consume)
    {
        var channel = Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var outcome = ProcFileReader.Outcome.Read;
        var reader = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    int filled = Fill(stream, buffer);
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
        consume(first.AsSpan(0, ChunkBytes));   // parsed while the reader thread asks the kernel for the next chunk
        ArrayPool<byte>.Shared.Return(first);
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
