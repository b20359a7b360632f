namespace Memlens.Core.Model;

/// <summary>
/// Reads a few bytes of the target's memory (live: /proc/PID/mem, read-only; offline: what capture recorded).
/// Used only to confirm an owner from a header (glibc heap_info, malloc chunk headers), never required.
/// </summary>
public interface IMemoryProbe
{
    bool TryRead(ulong address, Span<byte> destination);

    /// <summary>
    /// How many pages of [start, end) are resident, swapped out, and mapped by this process alone (live: from
    /// /proc/PID/pagemap's flag bits; physical frame numbers are never kept). Used to divide one VMA's counters
    /// when it holds two owners.
    /// </summary>
    bool TryCountPages(ulong start, ulong end, out PageCounts counts)
    {
        counts = default;
        return false;
    }
}

/// <summary>Page counts over an address range, from pagemap: present (bit 63), swapped (bit 62), exclusively mapped (bit 56).</summary>
public readonly record struct PageCounts(ulong Present, ulong Swapped, ulong Exclusive);

public sealed class NoMemoryProbe : IMemoryProbe
{
    public static readonly NoMemoryProbe Instance = new();
    public bool TryRead(ulong address, Span<byte> destination) => false;
}
