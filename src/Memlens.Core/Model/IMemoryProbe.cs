namespace Memlens.Core.Model;

/// <summary>
/// Reads a few bytes of the target's memory (live: /proc/PID/mem, read-only; offline: what capture recorded).
/// Used only to confirm an owner from a header (glibc heap_info, malloc chunk headers), never required.
/// </summary>
public interface IMemoryProbe
{
    bool TryRead(ulong address, Span<byte> destination);
}

public sealed class NoMemoryProbe : IMemoryProbe
{
    public static readonly NoMemoryProbe Instance = new();
    public bool TryRead(ulong address, Span<byte> destination) => false;
}
