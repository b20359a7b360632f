namespace Memlens.Formats.Procfs;

/// <summary>
/// The per-VMA counters of /proc/PID/smaps (and the totals of smaps_rollup), in bytes.
/// Null means the kernel did not print the line; it is never silently 0.
/// </summary>
public sealed class SmapsCounters
{
    // One ulong per counter and a bit for "the kernel printed it": a third of the size of 25 nullable fields, which
    // matters at 60,000 mappings (one of these per mapping). Pss_Anon, Pss_File and Pss_Shmem are in smaps_rollup only.
    private enum Counter { Size, KernelPageSize, MMUPageSize, Rss, Pss, Pss_Dirty, Pss_Anon, Pss_File, Pss_Shmem, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty, Referenced, Anonymous, KSM, LazyFree, AnonHugePages, ShmemPmdMapped, FilePmdMapped, Shared_Hugetlb, Private_Hugetlb, Swap, SwapPss, Locked, Count }

    [System.Runtime.CompilerServices.InlineArray((int)Counter.Count)]
    private struct Values { private ulong _first; }

    private Values _values;
    private uint _present;

    private ulong? Get(Counter c) => (_present & (1u << (int)c)) != 0 ? _values[(int)c] : null;

    private void Set(Counter c, ulong? value)
    {
        if (value is ulong v) { _values[(int)c] = v; _present |= 1u << (int)c; }
        else { _values[(int)c] = 0; _present &= ~(1u << (int)c); }
    }

    public ulong? Size { get => Get(Counter.Size); set => Set(Counter.Size, value); }
    public ulong? KernelPageSize { get => Get(Counter.KernelPageSize); set => Set(Counter.KernelPageSize, value); }
    public ulong? MMUPageSize { get => Get(Counter.MMUPageSize); set => Set(Counter.MMUPageSize, value); }
    public ulong? Rss { get => Get(Counter.Rss); set => Set(Counter.Rss, value); }
    public ulong? Pss { get => Get(Counter.Pss); set => Set(Counter.Pss, value); }
    public ulong? Pss_Dirty { get => Get(Counter.Pss_Dirty); set => Set(Counter.Pss_Dirty, value); }
    public ulong? Pss_Anon { get => Get(Counter.Pss_Anon); set => Set(Counter.Pss_Anon, value); }
    public ulong? Pss_File { get => Get(Counter.Pss_File); set => Set(Counter.Pss_File, value); }
    public ulong? Pss_Shmem { get => Get(Counter.Pss_Shmem); set => Set(Counter.Pss_Shmem, value); }
    public ulong? Shared_Clean { get => Get(Counter.Shared_Clean); set => Set(Counter.Shared_Clean, value); }
    public ulong? Shared_Dirty { get => Get(Counter.Shared_Dirty); set => Set(Counter.Shared_Dirty, value); }
    public ulong? Private_Clean { get => Get(Counter.Private_Clean); set => Set(Counter.Private_Clean, value); }
    public ulong? Private_Dirty { get => Get(Counter.Private_Dirty); set => Set(Counter.Private_Dirty, value); }
    public ulong? Referenced { get => Get(Counter.Referenced); set => Set(Counter.Referenced, value); }
    public ulong? Anonymous { get => Get(Counter.Anonymous); set => Set(Counter.Anonymous, value); }
    public ulong? KSM { get => Get(Counter.KSM); set => Set(Counter.KSM, value); }
    public ulong? LazyFree { get => Get(Counter.LazyFree); set => Set(Counter.LazyFree, value); }
    public ulong? AnonHugePages { get => Get(Counter.AnonHugePages); set => Set(Counter.AnonHugePages, value); }
    public ulong? ShmemPmdMapped { get => Get(Counter.ShmemPmdMapped); set => Set(Counter.ShmemPmdMapped, value); }
    public ulong? FilePmdMapped { get => Get(Counter.FilePmdMapped); set => Set(Counter.FilePmdMapped, value); }
    public ulong? Shared_Hugetlb { get => Get(Counter.Shared_Hugetlb); set => Set(Counter.Shared_Hugetlb, value); }
    public ulong? Private_Hugetlb { get => Get(Counter.Private_Hugetlb); set => Set(Counter.Private_Hugetlb, value); }
    public ulong? Swap { get => Get(Counter.Swap); set => Set(Counter.Swap, value); }
    public ulong? SwapPss { get => Get(Counter.SwapPss); set => Set(Counter.SwapPss, value); }
    public ulong? Locked { get => Get(Counter.Locked); set => Set(Counter.Locked, value); }
    public string? VmFlags { get; set; }       // e.g. "rd wr mr mw me ac"

    // The keys in the order the kernel prints them (fs/proc/task_mmu.c), so the parser finds each with one compare.
    private static readonly byte[][] KeyBytes = Enum.GetNames<Counter>()[..(int)Counter.Count].Select(n => System.Text.Encoding.ASCII.GetBytes(n)).ToArray();
    private static readonly Counter[] PrintOrder =
    [
        Counter.Size, Counter.KernelPageSize, Counter.MMUPageSize, Counter.Rss, Counter.Pss, Counter.Pss_Dirty, Counter.Pss_Anon,
        Counter.Pss_File, Counter.Pss_Shmem, Counter.Shared_Clean, Counter.Shared_Dirty, Counter.Private_Clean, Counter.Private_Dirty,
        Counter.Referenced, Counter.Anonymous, Counter.KSM, Counter.LazyFree, Counter.AnonHugePages, Counter.ShmemPmdMapped,
        Counter.FilePmdMapped, Counter.Shared_Hugetlb, Counter.Private_Hugetlb, Counter.Swap, Counter.SwapPss, Counter.Locked,
    ];

    /// <summary>
    /// Stores a "Key: N kB" line given the key's ASCII bytes; false for keys this type does not know. <paramref name="next"/>
    /// is where in the kernel's print order to look first: the parser keeps it from line to line.
    /// </summary>
    public bool TrySet(ReadOnlySpan<byte> key, ulong bytes, ref int next)
    {
        for (int tried = 0, at = next; tried < PrintOrder.Length; tried++, at = at + 1 == PrintOrder.Length ? 0 : at + 1)
        {
            var c = PrintOrder[at];
            if (!key.SequenceEqual(KeyBytes[(int)c])) continue;
            _values[(int)c] = bytes;
            _present |= 1u << (int)c;
            next = at + 1 == PrintOrder.Length ? 0 : at + 1;
            return true;
        }
        return false;
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
