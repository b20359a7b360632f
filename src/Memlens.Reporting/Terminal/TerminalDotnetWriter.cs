using Memlens.Core.Runtimes.Dotnet;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>The .NET section: the GC's mode and figures (when read), the identities, the kernel's figures beside them.</summary>
public static class TerminalDotnetWriter
{
    public static void Write(DotnetRuntimeSection d, TextWriter w, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        WriteLine(w, $".NET RUNTIME ({(d.RuntimeVersion is null ? "version unknown" : $".NET {d.RuntimeVersion}")}; {d.GcMode})", layout);
        WriteLine(w, $"  figures: {d.Source}", layout, "    ");
        if (d.Generations.Count > 0)
        {
            w.WriteLine();
            var gens = new TextTable("generation", "size", "fragmentation", "meaning") { LeftAligned = new HashSet<int> { 0, 3 }, Elastic = 3, WrapsElastic = true, DropFirst = [3] };
            foreach (var g in d.Generations) gens.Add(g.Name, Size(g.Size), Size(g.Fragmentation), g.Meaning);
            gens.WriteTo(w, layout, "  ");
        }
        if (d.Figures.Count > 0)
        {
            w.WriteLine();
            var figures = new TextTable("figure", "value", "from", "meaning") { LeftAligned = new HashSet<int> { 0, 2, 3 }, Elastic = 3, WrapsElastic = true, DropFirst = [3, 2] };
            foreach (var f in d.Figures) figures.Add(f.Name, f.Value, f.Source, f.Meaning);
            figures.WriteTo(w, layout, "  ");
        }
        if (d.Settings.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("  GC settings and limits in force:");
            foreach (var s in d.Settings) WriteLine(w, $"    {s.Name} = {s.Value}  ({s.Where})", layout, "      ");
        }
        TerminalRuntimeParts.WriteIdentities(w, d.Identities, layout);
        TerminalRuntimeParts.WriteKernelView(w, "  the runtime's memory as the kernel sees it:", d.KernelView, layout);
        foreach (var note in d.Notes) WriteLine(w, $"  note: {note}", layout, "      ");
        w.WriteLine();
    }
}
