using Memlens.Core.Model;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>
/// The report at a glance, before its detail: VSZ and RSS as bars by kind (one letter per kind, coloured where there
/// is colour), the largest owners, and the findings' titles.
/// </summary>
public static class TerminalSummaryWriter
{
    public static void Write(Report r, TextWriter w, TerminalLayout layout)
    {
        int width = Math.Min(layout.TextWidth, TerminalLayout.FileWidth) - 20;   // "  VSZ [" and "] 1023.9 MiB" around the bar
        w.WriteLine("AT A GLANCE");
        Bar(w, "VSZ", r.Kinds.Select(k => (k.Kind, k.Numbers.Virtual)).ToList(), r.Totals.Virtual, width, layout);
        if (r.Totals.Rss is ulong rss) Bar(w, "RSS", r.Kinds.Select(k => (k.Kind, k.Numbers.Rss ?? 0)).ToList(), rss, width, layout);
        var legend = r.Kinds.Where(k => k.Numbers.Virtual > 0).Select(k => (k.Kind, Text: $"{KindColors.Letter(k.Kind)} {k.Kind}"));
        w.Write("  ");
        bool first = true;
        int used = 2;
        foreach (var (kind, text) in legend)
        {
            if (!first && used + 2 + text.Length > layout.TextWidth) { w.WriteLine(); w.Write("  "); used = 2; first = true; }
            if (!first) w.Write("  ");
            KindColors.Write(w, text, KindColors.Sgr(kind), layout.Color);
            used += (first ? 0 : 2) + text.Length;
            first = false;
        }
        w.WriteLine();
        var largest = r.Groups.Where(g => g.Numbers.Rss is > 0).OrderByDescending(g => g.Numbers.Rss).Take(5).ToList();
        if (largest.Count > 0)
        {
            var table = new TextTable("largest owners", "rss", "pss") { Elastic = 0 };
            foreach (var g in largest) table.AddColored(KindColors.Sgr(g.Kind), $"{KindColors.Letter(g.Kind)} {g.Owner}", Size(g.Numbers.Rss), Size(g.Numbers.Pss));
            table.WriteTo(w, layout, "  ");
        }
        if (r.Findings.Count > 0) w.WriteLine("  findings (in full below):");
        int n = 1;
        foreach (var f in r.Findings.Take(6)) WriteLine(w, $"  {n++,2}. {f.Title} ({Size(f.Bytes)})", layout, "      ");
        if (r.Findings.Count > 6) w.WriteLine($"  … and {r.Findings.Count - 6} more");
        w.WriteLine();
    }

    /// <summary>"VSZ  [iiiiddddd…] 50.3 GiB": each kind's share of the total, rounded so the cells add up to the bar.</summary>
    private static void Bar(TextWriter w, string label, List<(string Kind, ulong Bytes)> parts, ulong total, int cells, TerminalLayout layout)
    {
        w.Write($"  {label,-4}[");
        if (total > 0)
        {
            // Largest remainder: the cells add up to the bar exactly (a kind under half a cell may get none; the legend has it).
            var exact = parts.Select(p => (p.Kind, Share: (double)p.Bytes * cells / total)).ToList();
            var whole = exact.Select(p => (p.Kind, Cells: (int)Math.Floor(p.Share), Remainder: p.Share - Math.Floor(p.Share))).ToList();
            int left = cells - whole.Sum(p => p.Cells);
            foreach (int i in Enumerable.Range(0, whole.Count).OrderByDescending(i => whole[i].Remainder).Take(left))
                whole[i] = (whole[i].Kind, whole[i].Cells + 1, 0);
            foreach (var (kind, count, _) in whole)
                if (count > 0) KindColors.Write(w, new string(KindColors.Letter(kind), count), KindColors.Sgr(kind), layout.Color);
        }
        else w.Write(new string(' ', cells));
        w.WriteLine($"] {Size(total)}");
    }
}
