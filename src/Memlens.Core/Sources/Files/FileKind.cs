using System.Runtime.InteropServices;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// Whether a path is a regular file (following symlinks), from stat(2)'s st_mode: .NET reports FIFOs and devices as
/// plain files, and opening a FIFO for reading blocks until a writer comes, reading /dev/urandom never ends.
/// </summary>
public static partial class FileKind
{
    private const uint S_IFMT = 0xF000, S_IFREG = 0x8000;

    public static bool IsRegular(string path)
    {
        // struct stat's st_mode: offset 24 on x86-64, 16 on arm64 (asm-generic layout).
        int offset = RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => 24, Architecture.Arm64 => 16, _ => -1 };
        if (offset < 0) return File.Exists(path);
        Span<byte> buffer = stackalloc byte[256];
        if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0) return false;
        uint mode = BitConverter.ToUInt32(buffer[offset..]);
        return (mode & S_IFMT) == S_IFREG;
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buffer);
}
