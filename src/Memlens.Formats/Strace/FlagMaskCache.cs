using System.Runtime.InteropServices;

namespace Memlens.Formats.Strace;

/// <summary>
/// The masks of flag arguments already read: a log repeats a few dozen texts ("PROT_READ|PROT_WRITE",
/// "MAP_PRIVATE|MAP_ANONYMOUS") millions of times, and comparing the text is cheaper than reading its names again.
/// One per reader (it is not shared between threads).
/// </summary>
public sealed class FlagMaskCache(FlagNames names)
{
    private const int Slots = 256;   // a power of two; a slot holds the last text that hashed to it
    private const int MaxText = 96;
    private readonly (byte[]? Text, long Mask)[] _slots = new (byte[]?, long)[Slots];

    public long Mask(ReadOnlySpan<byte> text)
    {
        ref var slot = ref _slots[Hash(text) & (Slots - 1)];
        if (slot.Text is { } seen && text.SequenceEqual(seen)) return slot.Mask;
        long mask = StraceValues.Mask(text, names);
        if (text.Length <= MaxText) slot = (text.ToArray(), mask);
        return mask;
    }

    /// <summary>The length and the first and last eight bytes, mixed: enough to tell flag texts apart.</summary>
    private static int Hash(ReadOnlySpan<byte> text)
    {
        if (text.Length < 8)
        {
            int h = text.Length;
            foreach (byte b in text) h = (h * 31) + b;
            return h ^ (h >> 8);
        }
        ulong first = MemoryMarshal.Read<ulong>(text), last = MemoryMarshal.Read<ulong>(text[^8..]);
        ulong mixed = ((first * 0x9E3779B97F4A7C15UL) ^ (last * 0xC2B2AE3D27D4EB4FUL)) + (ulong)text.Length;
        return (int)(mixed >> 40);
    }
}
