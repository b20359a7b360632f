namespace Memlens.Core.Machine;

/// <summary>
/// Processes made with clone(CLONE_VM) but not CLONE_THREAD (vfork children, some spawn helpers, old LinuxThreads)
/// are separate pids with one address space: each pid's smaps_rollup shows all of it, so summing them counts it
/// twice. Candidates have the same rollup range and VSZ; kcmp(2) confirms. The lowest pid keeps the figures.
/// </summary>
public static class SharedAddressSpaces
{
    public sealed record Outcome(IReadOnlyList<SweptProcess> Processes, int Shared, int Unconfirmed);

    public static Outcome Mark(IReadOnlyList<SweptProcess> processes) => Mark(processes, Kcmp.SameAddressSpace);

    public static Outcome Mark(IReadOnlyList<SweptProcess> processes, Func<int, int, Kcmp.Result> compare)
    {
        var owner = new Dictionary<int, int>();
        int unconfirmed = 0;
        // Sorted by (low, high, VSZ, pid) so that candidates sit together; plain arrays and one comparison keep this
        // to precompiled code (a GroupBy over a tuple key costs more to compile than to run).
        var sorted = processes.ToArray();
        Array.Sort(sorted, static (a, b) =>
            a.LowAddress != b.LowAddress ? a.LowAddress.CompareTo(b.LowAddress)
            : a.HighAddress != b.HighAddress ? a.HighAddress.CompareTo(b.HighAddress)
            : a.Vsz != b.Vsz ? a.Vsz.CompareTo(b.Vsz) : a.Pid.CompareTo(b.Pid));
        var spaces = new List<int>();   // one pid per distinct address space seen so far in the current run of candidates
        for (int i = 0; i < sorted.Length; i++)
        {
            var p = sorted[i];
            if (i == 0 || !LookAlike(sorted[i - 1], p)) spaces.Clear();
            int? same = null;
            foreach (int first in spaces)
            {
                var r = compare(first, p.Pid);
                if (r == Kcmp.Result.Same) { same = first; break; }
                if (r == Kcmp.Result.Unknown) unconfirmed++;
            }
            if (same is int s) owner[p.Pid] = s;
            else spaces.Add(p.Pid);
        }
        var marked = new List<SweptProcess>(processes.Count);
        foreach (var p in processes) marked.Add(owner.TryGetValue(p.Pid, out int s) ? p with { SharesAddressSpaceWith = s } : p);
        return new Outcome(marked, owner.Count, unconfirmed);
    }

    private static bool LookAlike(SweptProcess a, SweptProcess b) => a.LowAddress == b.LowAddress && a.HighAddress == b.HighAddress && a.Vsz == b.Vsz;
}
