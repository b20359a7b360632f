using System.Runtime.InteropServices;

namespace Memlens.Core.Sources;

/// <summary>
/// A new directory only memlens can enter (mode 0700), made with mkdir(2) under an unguessable name beside where the
/// result goes, so that nothing another user planted (a symlink, a directory) is ever written through: mkdir fails
/// on any existing name. Renamed into place only if it is still the directory memlens made.
/// </summary>
public static partial class PrivateDirectory
{
    private const int EEXIST = 17;

    /// <summary>Makes the directory; its path. Throws <see cref="IOException"/> when the parent is missing or not writable.</summary>
    public static string CreateBeside(string destination)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Files.TemporaryPaths.RemoveStale(dir);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string path = Files.TemporaryPaths.NameBeside(destination);
            if (Mkdir(path, 0b111_000_000) == 0)
            {
                Files.TemporaryPaths.Register(path);
                return path;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EEXIST) throw new IOException($"{dir}: cannot make a directory there ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
        throw new IOException($"{dir}: no fresh temporary name could be made");
    }

    /// <summary>True when <paramref name="path"/> is still a real directory (not a link) with mode 0700: the one made here.</summary>
    public static bool IsStillOurs(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null && (info.UnixFileMode & (UnixFileMode)0b111_111_111) == (UnixFileMode)0b111_000_000;
    }

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mkdir(string path, uint mode);
}
