namespace Memlens.Formats.Procfs;

/// <summary>One line of /proc/PID/maps (or one header line of smaps): a VMA as the kernel prints it.</summary>
public sealed record MapsEntry(
    ulong Start,
    ulong End,
    string Perms,      // r w x, then p (private) or s (shared)
    ulong Offset,      // vm_pgoff << PAGE_SHIFT, in bytes
    string Device,     // major:minor, hex
    ulong Inode,
    string Path)       // as printed: "", "[heap]", "/usr/lib/libc.so.6", "/memfd:x (deleted)"; "\012" stays escaped
{
    public const string DeletedSuffix = " (deleted)";

    public ulong Size => End - Start;
    public bool Readable => Perms.Length > 0 && Perms[0] == 'r';
    public bool Writable => Perms.Length > 1 && Perms[1] == 'w';
    public bool Executable => Perms.Length > 2 && Perms[2] == 'x';
    public bool Shared => Perms.Length > 3 && Perms[3] == 's';
    /// <summary>No access at all (---p / ---s): address space reserved, no RAM can be used through it.</summary>
    public bool NoAccess => !Readable && !Writable && !Executable;
    public bool Deleted => Path.EndsWith(DeletedSuffix, StringComparison.Ordinal);
    /// <summary>The path without the " (deleted)" suffix.</summary>
    public string FilePath => Deleted ? Path[..^DeletedSuffix.Length] : Path;
    /// <summary>Backed by a file: an inode, or a path that is not a bracketed kernel name.</summary>
    public bool FileBacked => Inode != 0 || (Path.Length > 0 && Path[0] == '/');
    public bool IsAnonymous => !FileBacked && (Path.Length == 0 || Path.StartsWith("[anon:", StringComparison.Ordinal));
}
