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
        foreach (var candidates in processes.GroupBy(p => (p.LowAddress, p.HighAddress, p.Vsz)).Where(g => g.Count() > 1))
        {
            var spaces = new List<int>();   // one pid per distinct address space seen so far
            foreach (var p in candidates.OrderBy(p => p.Pid))
            {
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
        }
        var marked = processes.Select(p => owner.TryGetValue(p.Pid, out int s) ? p with { SharesAddressSpaceWith = s } : p).ToList();
        return new Outcome(marked, owner.Count, unconfirmed);
    }
}
