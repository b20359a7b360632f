namespace Memlens.Formats.Procfs;

/// <summary>
/// The per-VMA counters of /proc/PID/smaps (and the totals of smaps_rollup), in bytes.
/// Null means the kernel did not print the line; it is never silently 0.
/// </summary>
public sealed class SmapsCounters
{
    public ulong? Size { get; set; }
    public ulong? KernelPageSize { get; set; }
    public ulong? MMUPageSize { get; set; }
    public ulong? Rss { get; set; }
    public ulong? Pss { get; set; }
    public ulong? Pss_Dirty { get; set; }
    public ulong? Pss_Anon { get; set; }       // smaps_rollup only
    public ulong? Pss_File { get; set; }       // smaps_rollup only
    public ulong? Pss_Shmem { get; set; }      // smaps_rollup only
    public ulong? Shared_Clean { get; set; }
    public ulong? Shared_Dirty { get; set; }
    public ulong? Private_Clean { get; set; }
    public ulong? Private_Dirty { get; set; }
    public ulong? Referenced { get; set; }
    public ulong? Anonymous { get; set; }
    public ulong? KSM { get; set; }
    public ulong? LazyFree { get; set; }
    public ulong? AnonHugePages { get; set; }
    public ulong? ShmemPmdMapped { get; set; }
    public ulong? FilePmdMapped { get; set; }
    public ulong? Shared_Hugetlb { get; set; }
    public ulong? Private_Hugetlb { get; set; }
    public ulong? Swap { get; set; }
    public ulong? SwapPss { get; set; }
    public ulong? Locked { get; set; }
    public string? VmFlags { get; set; }       // e.g. "rd wr mr mw me ac"

    /// <summary>Stores a "Key: N kB" line given the key's ASCII bytes; false for keys this type does not know.</summary>
    public bool TrySet(ReadOnlySpan<byte> key, ulong bytes)
    {
        if (key.Length > 32) return false;
        Span<char> chars = stackalloc char[key.Length];
        for (int i = 0; i < key.Length; i++) chars[i] = (char)key[i];
        return TrySet(chars, bytes);
    }

    /// <summary>Stores a "Key: N kB" line; false for keys this type does not know (kept by the caller as unknown).</summary>
    public bool TrySet(ReadOnlySpan<char> key, ulong bytes)
    {
        switch (key)
        {
            case "Size": Size = bytes; break;
            case "KernelPageSize": KernelPageSize = bytes; break;
            case "MMUPageSize": MMUPageSize = bytes; break;
            case "Rss": Rss = bytes; break;
            case "Pss": Pss = bytes; break;
            case "Pss_Dirty": Pss_Dirty = bytes; break;
            case "Pss_Anon": Pss_Anon = bytes; break;
            case "Pss_File": Pss_File = bytes; break;
            case "Pss_Shmem": Pss_Shmem = bytes; break;
            case "Shared_Clean": Shared_Clean = bytes; break;
            case "Shared_Dirty": Shared_Dirty = bytes; break;
            case "Private_Clean": Private_Clean = bytes; break;
            case "Private_Dirty": Private_Dirty = bytes; break;
            case "Referenced": Referenced = bytes; break;
            case "Anonymous": Anonymous = bytes; break;
            case "KSM": KSM = bytes; break;
            case "LazyFree": LazyFree = bytes; break;
            case "AnonHugePages": AnonHugePages = bytes; break;
            case "ShmemPmdMapped": ShmemPmdMapped = bytes; break;
            case "FilePmdMapped": FilePmdMapped = bytes; break;
            case "Shared_Hugetlb": Shared_Hugetlb = bytes; break;
            case "Private_Hugetlb": Private_Hugetlb = bytes; break;
            case "Swap": Swap = bytes; break;
            case "SwapPss": SwapPss = bytes; break;
            case "Locked": Locked = bytes; break;
            default: return false;
        }
        return true;
    }

    /// <summary>The counters that measure pages (every one but Size and the page sizes), to divide or subtract them alike.</summary>
    public static readonly IReadOnlyList<(Func<SmapsCounters, ulong?> Get, Action<SmapsCounters, ulong?> Set)> PageAmounts =
    [
        (c => c.Rss, (c, v) => c.Rss = v), (c => c.Pss, (c, v) => c.Pss = v), (c => c.Pss_Dirty, (c, v) => c.Pss_Dirty = v),
        (c => c.Pss_Anon, (c, v) => c.Pss_Anon = v), (c => c.Pss_File, (c, v) => c.Pss_File = v), (c => c.Pss_Shmem, (c, v) => c.Pss_Shmem = v),
        (c => c.Shared_Clean, (c, v) => c.Shared_Clean = v), (c => c.Shared_Dirty, (c, v) => c.Shared_Dirty = v),
        (c => c.Private_Clean, (c, v) => c.Private_Clean = v), (c => c.Private_Dirty, (c, v) => c.Private_Dirty = v),
        (c => c.Referenced, (c, v) => c.Referenced = v), (c => c.Anonymous, (c, v) => c.Anonymous = v), (c => c.KSM, (c, v) => c.KSM = v),
        (c => c.LazyFree, (c, v) => c.LazyFree = v), (c => c.AnonHugePages, (c, v) => c.AnonHugePages = v),
        (c => c.ShmemPmdMapped, (c, v) => c.ShmemPmdMapped = v), (c => c.FilePmdMapped, (c, v) => c.FilePmdMapped = v),
        (c => c.Shared_Hugetlb, (c, v) => c.Shared_Hugetlb = v), (c => c.Private_Hugetlb, (c, v) => c.Private_Hugetlb = v),
        (c => c.Swap, (c, v) => c.Swap = v), (c => c.SwapPss, (c, v) => c.SwapPss = v), (c => c.Locked, (c, v) => c.Locked = v),
    ];

    /// <summary>True when VmFlags lists this two-letter mnemonic (e.g. "gd" for VM_GROWSDOWN).</summary>
    public bool HasFlag(string mnemonic)
    {
        if (VmFlags is null) return false;
        var flags = VmFlags.AsSpan();
        for (int at = flags.IndexOf(mnemonic, StringComparison.Ordinal); at >= 0;)
        {
            int end = at + mnemonic.Length;
            if ((at == 0 || flags[at - 1] == ' ') && (end == flags.Length || flags[end] == ' ')) return true;
            int next = flags[end..].IndexOf(mnemonic, StringComparison.Ordinal);
            at = next < 0 ? -1 : end + next;
        }
        return false;
    }
}
