using System.Globalization;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes.Go;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Html.HtmlPage;
using static Memlens.Reporting.Html.HtmlTablesWriter;

namespace Memlens.Reporting.Html;

/// <summary>The runtimes' own sections of a report (Go, the JVM, .NET) as the terminal shows them, for the HTML page.</summary>
public static class HtmlRuntimeSections
{
    public static void Write(Report r, TextWriter w)
    {
        if (r.Go is { } go)
        {
            Begin(w, "go", $"Go runtime ({go.Version ?? "version unknown"}{(go.Cgo is null ? "" : $"; cgo {go.Cgo}")})");
            Table(w, ["MemStats", "bytes", "meaning"], go.SysTree.Select(t => new[] { Txt(new string(' ', 2 * t.Depth) + t.Name), Bytes(t.Bytes), Txt(t.Meaning) }));
            Identities(w, go.Identities);
            Kernel(w, go.KernelView);
            Notes(w, go.Notes.Concat(go.Findings.Select(f => $"{f.Title}: {f.Text}")));
            w.Write("</section>\n");
        }
        if (r.Jvm is { } jvm)
        {
            Begin(w, "jvm", $"JVM runtime (Java {jvm.Version ?? "version unknown"}; collector {jvm.Collector ?? "unknown"})");
            w.Write($"<p class=\"src\">figures: {E(jvm.Source)}</p>");
            Table(w, ["pool", "reserved", "committed", "used", "meaning"], jvm.Spaces.Select(s => new[] { Txt(s.Name), Bytes(s.Reserved), Bytes(s.Committed), Bytes(s.Used), Txt(s.Meaning) }));
            if (jvm.Collectors.Count > 0)
                Table(w, ["collector", "runs", "time"], jvm.Collectors.Select(c => new[] { Txt(c.Name), Txt(c.Invocations.ToString("N0", CultureInfo.InvariantCulture)), Txt($"{c.Seconds:0.000} s") }));
            Identities(w, jvm.Identities);
            Kernel(w, jvm.KernelView);
            if (jvm.NativeMemory.Count > 0)
                Table(w, ["NMT category", "reserved", "committed", "memlens owners", "virtual", "committed", "resident", "meaning"], jvm.NativeMemory.Select(n => new[]
                    { Txt(n.Category), Bytes(n.NmtReserved), Bytes(n.NmtCommitted), Txt(n.Owners), Bytes(n.Virtual), Bytes(n.Committed), Bytes(n.Resident), Txt(n.Meaning) }));
            Notes(w, jvm.Notes);
            w.Write("</section>\n");
        }
        if (r.Dotnet is { } d)
        {
            Begin(w, "dotnet", $".NET runtime ({(d.RuntimeVersion is null ? "version unknown" : $".NET {d.RuntimeVersion}")}; {d.GcMode})");
            w.Write($"<p class=\"src\">figures: {E(d.Source)}</p>");
            if (d.Generations.Count > 0)
                Table(w, ["generation", "size", "fragmentation", "meaning"], d.Generations.Select(g => new[] { Txt(g.Name), Bytes(g.Size), Bytes(g.Fragmentation), Txt(g.Meaning) }));
            if (d.Figures.Count > 0)
                Table(w, ["figure", "value", "from", "meaning"], d.Figures.Select(f => new[] { Txt(f.Name), f.Bytes is ulong b ? Bytes(b) : Txt(f.Value), Txt(f.Source), Txt(f.Meaning) }));
            if (d.Settings.Count > 0)
                w.Write($"<ul>{string.Concat(d.Settings.Select(s => $"<li>{E(s.Name)} = {E(s.Value)} ({E(s.Where)})</li>"))}</ul>");
            Identities(w, d.Identities);
            Kernel(w, d.KernelView);
            Notes(w, d.Notes);
            w.Write("</section>\n");
        }
    }

    private static void Begin(TextWriter w, string id, string title) => w.Write($"<section id=\"runtime-{id}\"><h2>{E(title)}</h2>");

    private static void Identities(TextWriter w, IReadOnlyList<Check> checks)
    {
        if (checks.Count == 0) return;
        w.Write("<ul class=\"identities\">");
        foreach (var c in checks) w.Write(CheckItem(c));
        w.Write("</ul>");
    }

    private static void Kernel(TextWriter w, IReadOnlyList<ComparisonRow> rows)
    {
        if (rows.Count > 0) Table(w, ["beside the kernel's", "bytes", "from", "meaning"], rows.Select(k => new[] { Txt(k.Name), Bytes(k.Bytes), Txt(k.Source), Txt(k.Meaning) }));
    }

    private static void Notes(TextWriter w, IEnumerable<string> notes)
    {
        var list = notes.ToList();
        if (list.Count > 0) w.Write($"<ul class=\"notes\">{string.Concat(list.Select(n => $"<li>{E(n)}</li>"))}</ul>");
    }
}
