using System.Globalization;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

public static class TerminalCgroupWriter
{
    public static void Write(CgroupReport r, TextWriter w, int processes = 10, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        Text.WriteLine(w, $"memlens cgroup: {r.Directory} (cgroup {r.Version})", layout);
        var t = new TextTable("figure", "bytes", "", "meaning") { LeftAligned = new HashSet<int> { 0, 3 }, Elastic = 3, WrapsElastic = true, DropFirst = [1] };
        foreach (var f in r.Figures) t.Add(f.Name, f.Bytes is ulong b ? b.ToString("N0", CultureInfo.InvariantCulture) : "-", Size(f.Bytes), f.Meaning);
        t.WriteTo(w, layout);
        w.WriteLine();
        w.WriteLine("IDENTITIES");
        foreach (var c in r.Checks) WriteCheck(w, c, layout: layout);
        w.WriteLine();
        w.WriteLine($"PROCESSES ({r.Processes.Count}; largest anonymous RSS first)");
        var p = new TextTable("pid", "name", "RssAnon", "RssFile", "RssShmem", "swap") { LeftAligned = new HashSet<int> { 1 } };
        foreach (var x in r.Processes.Take(processes))
            p.Add(x.Pid.ToString(CultureInfo.InvariantCulture), x.Name ?? "?", Size(x.RssAnon), Size(x.RssFile), Size(x.RssShmem), Size(x.Swap));
        if (r.Processes.Count > processes) p.Add("…", $"{r.Processes.Count - processes} more", "", "", "", "");
        p.WriteTo(w, layout, "  ");
        w.WriteLine();
        foreach (var n in r.Notes) foreach (var (line, i) in Wrap(n, layout.TextWidth - 4).Select((l, i) => (l, i))) w.WriteLine((i == 0 ? "  - " : "    ") + line);
        if (r.Events.Count > 0) w.WriteLine("  events: " + string.Join(", ", r.Events.Select(e => $"{e.Key} {e.Value}")));
    }
}
