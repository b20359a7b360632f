using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>The Go runtime section: the Sys tree, its identities, the runtime beside the kernel, findings.</summary>
public static class TerminalGoWriter
{
    public static void Write(GoReport g, TextWriter w, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        WriteLine(w, $"GO RUNTIME ({g.Version ?? "version unknown"}; cgo {g.Cgo ?? "unknown"})", layout);
        foreach (var source in g.MetricsSources) WriteLine(w, $"  metrics: {source}", layout);
        if (g.SysTree.Count > 0)
        {
            w.WriteLine();
            var tree = new TextTable("runtime.MemStats", "bytes", "", "meaning") { LeftAligned = new HashSet<int> { 0, 3 }, Elastic = 3, WrapsElastic = true, DropFirst = [1] };
            foreach (var row in g.SysTree)
                tree.Add(new string(' ', 2 * row.Depth) + row.Name, row.Bytes is null ? "?" : row.Bytes.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Size(row.Bytes), row.Meaning);
            tree.WriteTo(w, layout, "  ");
        }
        TerminalRuntimeParts.WriteIdentities(w, g.Identities, layout);
        TerminalRuntimeParts.WriteKernelView(w, "  the runtime's numbers beside the kernel's:", g.KernelView, layout);
        if (g.Findings.Count > 0)
        {
            w.WriteLine();
            int n = 1;
            foreach (var f in g.Findings)
            {
                WriteLine(w, $"  {n++}. {f.Title} ({Size(f.Bytes)})", layout, "   ");
                foreach (var line in Wrap(f.Text, layout.TextWidth - 6)) w.WriteLine("     " + line);
            }
        }
        foreach (var note in g.Notes) WriteLine(w, $"  note: {note}", layout, "      ");
        w.WriteLine();
    }
}
