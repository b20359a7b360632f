using System.Text;

namespace Memlens.Core.Strace;

/// <summary>Where a piece of the address space came from: which thread, which call, at which line and time.</summary>
public readonly record struct Provenance(int Tid, string Call, long Line, LogTime Time);

/// <summary>
/// A timestamp as the log printed it ("12:34:56.789012", "1700000000.123456", "0.000123"), kept in place of a
/// string: every replayed call has one, and only those of the mappings reported are ever shown.
/// </summary>
public readonly record struct LogTime
{
    public const int MaxLength = 24;
    private readonly ulong _a, _b, _c;
    private readonly byte _length;

    public LogTime(ReadOnlySpan<byte> text)
    {
        if (text.Length > MaxLength) text = text[..MaxLength];
        Span<byte> bytes = stackalloc byte[MaxLength];
        bytes.Clear();
        text.CopyTo(bytes);
        _a = BitConverter.ToUInt64(bytes);
        _b = BitConverter.ToUInt64(bytes[8..]);
        _c = BitConverter.ToUInt64(bytes[16..]);
        _length = (byte)text.Length;
    }

    public bool IsEmpty => _length == 0;

    /// <summary>The text as printed, or null when the log has no times.</summary>
    public string? Text
    {
        get
        {
            if (_length == 0) return null;
            Span<byte> bytes = stackalloc byte[MaxLength];
            BitConverter.TryWriteBytes(bytes, _a);
            BitConverter.TryWriteBytes(bytes[8..], _b);
            BitConverter.TryWriteBytes(bytes[16..], _c);
            return Encoding.ASCII.GetString(bytes[.._length]);
        }
    }

    public override string ToString() => Text ?? "";
}
