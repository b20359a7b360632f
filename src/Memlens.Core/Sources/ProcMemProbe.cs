using Memlens.Core.Model;
using Microsoft.Win32.SafeHandles;

namespace Memlens.Core.Sources;

/// <summary>
/// Reads the target's memory through /proc/PID/mem, opened read-only; does not stop the target. Only pages already in
/// RAM are read: reading any other page would fault it in (or in from swap) and change the very figures memlens
/// reports. A page never touched reads as the zeros it holds, without a read (memlens reads anonymous memory only: its
/// allocator headers and runtime structures); a swapped-out page is not read at all.
/// </summary>
internal sealed class ProcMemProbe : IMemoryProbe, IDisposable
{
    private const int PageShift = 12;
    private readonly SafeFileHandle _handle;
    private readonly string _pagemapPath;
    private SafeFileHandle? _pagemap;

    private ProcMemProbe(SafeFileHandle handle, string pagemapPath)
    {
        _handle = handle;
        _pagemapPath = pagemapPath;
    }

    public static ProcMemProbe? TryOpen(string procPidDir)
    {
        try { return new ProcMemProbe(File.OpenHandle(System.IO.Path.Combine(procPidDir, "mem"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite), System.IO.Path.Combine(procPidDir, "pagemap")); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public bool TryCountPages(ulong start, ulong end, out PageCounts counts)
    {
        counts = default;
        if (end <= start || end > 1UL << 56) return false;
        try
        {
            _pagemap ??= File.OpenHandle(_pagemapPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            ulong present = 0, swapped = 0, exclusive = 0;
            var buffer = new byte[8 * 4096];
            for (ulong page = start >> PageShift; page < end >> PageShift;)
            {
                int want = (int)Math.Min((ulong)buffer.Length / 8, (end >> PageShift) - page) * 8;
                int got = RandomAccess.Read(_pagemap, buffer.AsSpan(0, want), (long)(page * 8));
                if (got != want) return false;
                for (int i = 0; i < got; i += 8)
                {
                    ulong e = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i));
                    if ((e & (1UL << 63)) != 0) present++;
                    if ((e & (1UL << 62)) != 0) swapped++;
                    if ((e & (1UL << 56)) != 0) exclusive++;
                }
                page += (ulong)got / 8;
            }
            counts = new PageCounts(present, swapped, exclusive);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (address > long.MaxValue || destination.IsEmpty) return false;
        ulong end = address + (ulong)destination.Length;
        for (ulong at = address; at < end;)
        {
            // Page by page: present pages are read, untouched ones are zeros, anything else is not read.
            ulong next = Math.Min(end, ((at >> PageShift) + 1) << PageShift);
            var part = destination.Slice((int)(at - address), (int)(next - at));
            switch (PageState(at))
            {
                case Page.Present:
                    if (!ReadMem(at, part)) return false;
                    break;
                case Page.Untouched:
                    part.Clear();
                    break;
                default:
                    return false;
            }
            at = next;
        }
        return true;
    }

    private bool ReadMem(ulong address, Span<byte> destination)
    {
        try { return RandomAccess.Read(_handle, destination, (long)address) == destination.Length; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private enum Page { Present, Untouched, Other }

    /// <summary>From pagemap: in RAM (bit 63), swapped (bit 62), or neither (never touched, or released); Other when unknown.</summary>
    private Page PageState(ulong address)
    {
        try
        {
            _pagemap ??= File.OpenHandle(_pagemapPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Span<byte> entry = stackalloc byte[8];
            if (RandomAccess.Read(_pagemap, entry, (long)((address >> PageShift) * 8)) != 8) return Page.Other;
            ulong e = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(entry);
            return (e & (1UL << 63)) != 0 ? Page.Present : (e & (1UL << 62)) != 0 ? Page.Other : Page.Untouched;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Page.Other; }
    }

    public void Dispose()
    {
        _handle.Dispose();
        _pagemap?.Dispose();
    }
}
