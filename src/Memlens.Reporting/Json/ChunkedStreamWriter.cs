using System.Buffers;

namespace Memlens.Reporting.Json;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that hands its bytes to a stream in large chunks. The serializer flushes its
/// <see cref="System.Text.Json.Utf8JsonWriter"/> often (every few properties of a large list); over a stream each of
/// those flushes was a write(2) of a dozen bytes, a million-region report took 11 s to write. Here a flush only moves
/// bytes into this buffer: memory stays at one chunk, and the stream sees writes of <see cref="ChunkBytes"/>.
/// </summary>
public sealed class ChunkedStreamWriter(Stream stream) : IBufferWriter<byte>, IDisposable
{
    public const int ChunkBytes = 1 << 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _used;

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

    /// <summary>Writes what is buffered to the stream.</summary>
    public void Flush()
    {
        if (_used > 0) stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private int Reserve(int sizeHint)
    {
        int need = Math.Max(sizeHint, 1);
        if (_buffer.Length - _used >= need) return _used;
        Flush();
        if (_buffer.Length < need)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(need);
        }
        return 0;
    }
}
