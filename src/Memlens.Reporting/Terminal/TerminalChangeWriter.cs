using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

public static class TerminalChangeWriter
{
    public static void WriteThreads(ThreadsReport r, TextWriter w, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        Text.WriteLine(w, $"memlens threads: {r.Process.Comm} (pid {r.Process.Pid}), {r.Process.Source}: {r.Threads.Count} thread(s)", layout);
        var t = new TextTable("tid", "name", "stack", "size", "resident", "guard", "where", "found by")
        { LeftAligned = new HashSet<int> { 1, 2, 6, 7 }, Elastic = 6, DropFirst = [7, 5, 2] };
        foreach (var x in r.Threads)
            t.Add(x.Tid.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Name ?? "?", x.StackRange ?? "?", Size(x.StackSize), Size(x.StackResident),
                x.GuardSize is null ? "none" : Size(x.GuardSize), x.Where, x.How);
        t.WriteTo(w, layout);
        Text.WriteLine(w, $"note: {r.ArenaNote}", layout);
    }

    public static void WriteDiff(DiffReport d, TextWriter w, bool regions = true, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        w.WriteLine($"before: {d.Before}");
        w.WriteLine($"after:  {d.After}");
        w.WriteLine($"total:  VSZ {Size(d.TotalBefore.Virtual)} → {Size(d.TotalAfter.Virtual)} ({Signed((long)d.TotalAfter.Virtual - (long)d.TotalBefore.Virtual)}), " +
            $"RSS {Size(d.TotalBefore.Rss)} → {Size(d.TotalAfter.Rss)} ({(d.TotalAfter.Rss is ulong a && d.TotalBefore.Rss is ulong b ? Signed((long)a - (long)b) : "?")})");
        if (d.Changes.Count == 0) { w.WriteLine("no owner changed"); return; }
        var t = new TextTable("change", "kind", "owner", "virtual", "Δ virtual", "rss", "Δ rss")
        { LeftAligned = new HashSet<int> { 0, 1, 2 }, Elastic = 2, DropFirst = [1, 3], ColoredColumn = 1 };
        foreach (var c in d.Changes)
            t.AddColored(KindColors.Sgr(c.Kind), c.Change, c.Kind, c.Owner, Size(c.After.Virtual), Signed(c.VirtualDelta), Size(c.After.Rss), c.RssDelta is long r ? Signed(r) : "?");
        t.WriteTo(w, layout);
        if (!regions) return;
        foreach (var c in d.Changes.Where(c => c.RegionsAppeared.Count + c.RegionsVanished.Count > 0))
        {
            w.WriteLine($"  {c.Owner}:");
            foreach (var x in c.RegionsAppeared) w.WriteLine($"    + {x}");
            foreach (var x in c.RegionsVanished) w.WriteLine($"    - {x}");
        }
    }

    public static string Signed(long n) => n == 0 ? "0" : (n > 0 ? "+" : "−") + Size((ulong)Math.Abs(n));
}
