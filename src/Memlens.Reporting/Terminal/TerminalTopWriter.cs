using System.Globalization;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

public static class TerminalTopWriter
{
    public static void Write(TopReport r, TextWriter w, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        var t = r.Totals;
        Text.WriteLine(w, $"memlens top: {t.Processes} processes by {r.By}, sorted by {r.Sort}; Σ PSS {Size(t.Pss)} (RAM the processes use, shared pages split), Σ USS {Size(t.Uss)}, Σ swap {Size(t.Swap)}", layout);
        if (r.SharedAddressSpaces > 0) w.WriteLine($"({r.SharedAddressSpaces} process(es) share another pid's address space (clone with CLONE_VM, not a thread): their memory is counted once, at that pid)");
        if (r.UnconfirmedSharing > 0) w.WriteLine($"({r.UnconfirmedSharing} pair(s) of processes look alike but kcmp(2) could not compare them: if they share an address space it is counted twice)");
        if (r.Vanished + r.Denied > 0) w.WriteLine($"({r.Vanished} exited during the sweep, {r.Denied} could not be read (permission denied: another user's or namespace's processes); {r.KernelThreads} kernel threads have no memory of their own)");
        // A narrow terminal keeps the process, RSS, PSS and the largest owner.
        var table = new TextTable(r.By, "procs", "threads", "VSZ", "reserved", "RSS", "PSS", "USS", "swap", "largest owner")
        { LeftAligned = new HashSet<int> { 0, 9 }, Elastic = r.By == "cgroup" ? 0 : 9, DropFirst = [2, 1, 4, 8, 7, 3] };
        foreach (var x in r.Rows)
            table.Add(x.Key, x.Processes.ToString(CultureInfo.InvariantCulture), x.Threads.ToString(CultureInfo.InvariantCulture), Size(x.Vsz),
                x.Vsz == 0 ? "0%" : $"{100.0 * x.ReservedOnly / x.Vsz:0}%".Replace(',', '.'), Size(x.Rss), Size(x.Pss), Size(x.Uss), Size(x.Swap),
                x.AddressSpaceOf is int of ? $"= pid {of.ToString(CultureInfo.InvariantCulture)}'s address space (CLONE_VM)" : x.LargestOwner ?? "");
        table.WriteTo(w, layout);
        w.WriteLine();
        w.WriteLine("THE MACHINE (/proc/meminfo): " + string.Join(", ", r.Meminfo.Select(kv => $"{kv.Key} {Size(kv.Value)}")));
        foreach (var c in r.Checks) WriteCheck(w, c, "Σ processes", "kernel", layout: layout);
        if (r.Meminfo.TryGetValue("Cached", out ulong cached) && r.Meminfo.TryGetValue("Mapped", out ulong mapped))
            w.WriteLine($"  page cache no process maps (Cached − Mapped): {Size(cached - Math.Min(cached, mapped))}; kernel: stacks {Size(r.Meminfo.GetValueOrDefault("KernelStack"))}, page tables {Size(r.Meminfo.GetValueOrDefault("PageTables"))}, slab {Size(r.Meminfo.GetValueOrDefault("Slab"))}: in no process's PSS");
    }
}
