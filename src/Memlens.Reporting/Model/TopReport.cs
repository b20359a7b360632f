using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
namespace Memlens.Reporting.Model;

/// <summary>`memlens top`: every process (or program, user, cgroup), reconciled with /proc/meminfo ("memlens.top/1").</summary>
public sealed record TopReport(string Schema, string By, string Sort, IReadOnlyList<TopRow> Rows, TopTotals Totals, IReadOnlyDictionary<string, ulong> Meminfo,
    IReadOnlyList<Check> Checks, int Vanished, int Denied, int KernelThreads, int SharedAddressSpaces, int UnconfirmedSharing)
{
    public const string SchemaVersion = "memlens.top/1";
}

/// <param name="AddressSpaceOf">for one process made with CLONE_VM: the pid whose address space it shares, which counts the memory (this row shows 0).</param>
public sealed record TopRow(string Key, int Processes, int Threads, ulong Vsz, ulong ReservedOnly, ulong Rss, ulong Pss, ulong Uss, ulong Swap, string? LargestOwner,
    int? AddressSpaceOf = null);

public sealed record TopTotals(int Processes, ulong Vsz, ulong Rss, ulong Pss, ulong Uss, ulong Swap);
