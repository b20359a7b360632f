using Memlens.Core.Model;
using Microsoft.Win32.SafeHandles;

namespace Memlens.Core.Sources;

/// <summary>Reads the target's memory through /proc/PID/mem, opened read-only; does not stop the target.</summary>
internal sealed class ProcMemProbe : IMemoryProbe, IDisposable
{
    private readonly SafeFileHandle _handle;

    private ProcMemProbe(SafeFileHandle handle) => _handle = handle;

    public static ProcMemProbe? TryOpen(string procPidDir)
    {
        try { return new ProcMemProbe(File.OpenHandle(System.IO.Path.Combine(procPidDir, "mem"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (address > long.MaxValue) return false;
        try { return RandomAccess.Read(_handle, destination, (long)address) == destination.Length; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void Dispose() => _handle.Dispose();
}
