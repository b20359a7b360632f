namespace Memlens.Formats.Strace;

/// <summary>The bounds of reading an strace log (docs/limits.md). Past one, memlens stops with exit 6 and names it.</summary>
public static class StraceLimits
{
    /// <summary>
    /// One line. strace prints at most -s bytes of each string (32 by default), each byte at most 4 characters
    /// escaped: even -s 65536 with a few string arguments stays far below this.
    /// </summary>
    public const int MaxLineBytes = 4 << 20;

    /// <summary>Calls left "&lt;unfinished …&gt;" at once (one per thread at most in a real log).</summary>
    public const int MaxPending = 100_000;

    /// <summary>
    /// Live mappings in one replayed address space: the kernel refuses more than vm.max_map_count (65,530 by default;
    /// databases and search engines are told to raise it to 262,144 or about a million). The replay and its report keep
    /// about 1 KB per live mapping, so this bounds a replay to about 1 GB.
    /// </summary>
    public const int MaxLiveRegions = 1 << 20;
}
