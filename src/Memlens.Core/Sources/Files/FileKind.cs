using System.Runtime.InteropServices;

namespace Memlens.Core.Sources.Files;

/// <summary>
/// Whether a path is a regular file (following symlinks), from stat(2)'s st_mode: .NET reports FIFOs and devices as
/// plain files, and opening a FIFO for reading blocks until a writer comes, reading /dev/urandom never ends.
/// </summary>
public static partial class FileKind
{
    private const uint S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFLNK = 0xA000;

    // struct stat's st_mode and st_uid: at 24 and 28 on x86-64, 16 and 24 on arm64 (asm-generic layout).
    private static readonly (int Mode, int Uid)? Offsets = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (24, 28),
        Architecture.Arm64 => (16, 24),
        _ => null,
    };

    public static bool IsRegular(string path)
    {
        if (Offsets is not { } at) return File.Exists(path);
        Span<byte> buffer = stackalloc byte[256];
        if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0) return false;
        return (BitConverter.ToUInt32(buffer[at.Mode..]) & S_IFMT) == S_IFREG;
    }

    /// <summary>The owner's uid of a file or directory itself (lstat(2): a symlink is not followed, and gives null).</summary>
    public static uint? OwnerIfNotLink(string path)
    {
        if (Offsets is not { } at) return null;
        Span<byte> buffer = stackalloc byte[256];
        if (Lstat(path, ref MemoryMarshal.GetReference(buffer)) != 0) return null;
        if ((BitConverter.ToUInt32(buffer[at.Mode..]) & S_IFMT) == S_IFLNK) return null;
        return BitConverter.ToUInt32(buffer[at.Uid..]);
    }

    public static uint EffectiveUserId() => Geteuid();

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lstat(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint Geteuid();
}
