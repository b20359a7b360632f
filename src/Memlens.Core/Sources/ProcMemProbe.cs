using Memlens.Core.Model;
using Microsoft.Win32.SafeHandles;

namespace Memlens.Core.Sources;

/// <summary>Reads the target's memory through /proc/PID/mem, opened read-only; does not stop the target.</summary>
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
        if (address > long.MaxValue) return false;
        try { return RandomAccess.Read(_handle, destination, (long)address) == destination.Length; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void Dispose()
    {
        _handle.Dispose();
        _pagemap?.Dispose();
    }
}
