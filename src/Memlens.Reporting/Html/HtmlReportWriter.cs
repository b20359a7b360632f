using System.Globalization;
using Memlens.Core.Model;
using Memlens.Reporting.Model;
using Memlens.Reporting.Terminal;

namespace Memlens.Reporting.Html;

/// <summary>
/// `memlens report --format html`: one self-contained page drawn from the report model — the headline, a bar per
/// measure (VSZ, committed, RSS, PSS, USS, swap) split by kind, the address space drawn region by region, a treemap of
/// owners for four measures, the breakdown, findings, checks and warnings. Everything is inline (no script, style or
/// font is fetched; the page's Content-Security-Policy forbids it), so it works from a mail attachment. Every string
/// from the target is HTML-escaped. Colours are the terminal's (docs/categories.md).
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Past this many regions, neighbouring regions of one owner are drawn as one element (and say so).</summary>
    public const int MaxMapElements = 20_000;
    private const int MapWidth = 1200, RowHeight = 26, TreeWidth = 1200, TreeHeight = 520;

    public static void Write(Report r, TextWriter w) => Write(r, w, null);

    /// <param name="live">for `memlens serve`: a section after the headline and the script that keeps it current.</param>
    public static void Write(Report r, TextWriter w, (string Section, string Script)? live)
    {
        var p = r.Process;
        HtmlPage.Begin(w, $"memlens: {p.Comm ?? "?"} (pid {p.Pid})", $"{p.Source}{(p.Exe is null ? "" : $" · {p.Exe}")}{(p.Kernel is null ? "" : $" · kernel {p.Kernel}")}", live is not null);
        Headline(r, w);
        if (live is { } l) w.Write(l.Section);
        Bars(r, w);
        Map(r, w);
        Treemaps(r, w);
        Breakdown(r, w);
        Findings(r, w);
        HtmlRuntimeSections.Write(r, w);
        HtmlPage.Checks(w, r.Checks);
        if (r.Warnings.Count > 0)
            w.Write($"<section id=\"warnings\"><h2>Warnings</h2><ul>{string.Concat(r.Warnings.Select(x => $"<li>{E(x)}</li>"))}</ul></section>\n");
        HtmlPage.End(w, MapScript + live?.Script);
    }

    private static void Headline(Report r, TextWriter w)
    {
        var h = r.Headline;
        w.Write("<section id=\"headline\">");
        foreach (var (name, value, meaning) in new (string, ulong?, string)[]
        {
            ("VSZ", h.Vsz, "address space"), ("RSS", h.Rss, "in RAM"), ("PSS", h.Pss, "RAM, shared pages split"),
            ("USS", h.Uss, "RAM only this process holds"), ("swap", h.Swap, "swapped out"), ("reserved only", h.ReservedOnly, "PROT_NONE: holds no RAM"),
        })
            w.Write($"<div class=\"figure\" data-name=\"{E(name)}\" data-bytes=\"{N(value)}\"><b>{Text.Size(value)}</b><span>{E(name)}</span><small>{E(meaning)}</small></div>");
        w.Write($"<p class=\"src\">{E(h.Source)}</p></section>\n");
    }

    private static readonly (string Name, Func<Figures, ulong?> Of)[] Measures =
    [
        ("VSZ", f => f.Virtual), ("committed", f => f.Committed), ("RSS", f => f.Rss), ("PSS", f => f.Pss), ("USS", f => f.Private), ("swap", f => f.Swap),
    ];

    /// <summary>VSZ → committed → RSS → PSS → USS → swap, each split by kind, on one scale (VSZ's), so the drop is seen.</summary>
    private static void Bars(Report r, TextWriter w)
    {
        double total = Math.Max(1, r.Totals.Virtual);
        w.Write("<section id=\"bars\"><h2>Where it goes, by kind</h2><table class=\"bars\">");
        foreach (var (name, of) in Measures)
        {
            ulong sum = r.Kinds.Aggregate(0UL, (a, k) => a + (of(k.Numbers) ?? 0));
            // Each measure on its own scale too: RSS is often a sliver of VSZ, and its parts must still be seen.
            w.Write($"<tr><th>{name}</th><td class=\"num\">{Text.Size(sum)}</td><td><div class=\"bar\" style=\"width:{Math.Max(0.5, 100 * sum / total):0.##}%\">");
            foreach (var k in r.Kinds.Where(k => (of(k.Numbers) ?? 0) > 0))
            {
                ulong v = of(k.Numbers)!.Value;
                w.Write($"<span class=\"seg\" style=\"width:{100.0 * v / Math.Max(1, sum):0.###}%;background:{KindColors.Rgb(k.Kind)}\" title=\"{E(k.Kind)}: {Text.Size(v)} of {name}\"></span>");
            }
            w.Write("</div></td></tr>");
        }
        w.Write($"</table>{Legend(r.Kinds.Select(k => k.Kind))}</section>\n");
    }

    private static string Legend(IEnumerable<string> kinds) =>
        "<p class=\"legend\">" + string.Concat(kinds.Distinct().Select(k => $"<span><i style=\"background:{KindColors.Rgb(k)}\"></i>{E(k)}</span>")) +
        "<span><i class=\"hatch\"></i>reserved only (no RAM)</span><span><i class=\"solid\"></i>resident share (the filled height)</span></p>";

    /// <summary>
    /// Every region in address order, left to right and row by row: width grows with the logarithm of its size (a
    /// 4 KiB page and a 1 TiB reservation both stay visible), reserved-only regions hatched, the resident share filled
    /// from the bottom; a gap between regions that do not touch is a short grey mark.
    /// </summary>
    private static void Map(Report r, TextWriter w)
    {
        var items = MapItems(r.Regions);
        bool aggregated = items.Count < r.Regions.Count;
        var placed = new List<(double X, int Row, double Width, MapItem Item, bool GapBefore)>();
        double x = 0;
        int row = 0;
        ulong? lastEnd = null;
        foreach (var item in items)
        {
            bool gap = lastEnd is ulong e && e != item.Start;
            double width = 4 + 5 * Math.Log2(Math.Max(1, item.Virtual / 4096.0) + 1);
            if (gap) x += 5;
            if (x + width > MapWidth) { row++; x = gap ? 5 : 0; }
            placed.Add((x, row, width, item, gap));
            x += width + 1;
            lastEnd = item.End;
        }
        int height = (row + 1) * RowHeight;
        w.Write($"<section id=\"map\"><h2>Address space</h2><p>{r.Regions.Count:N0} mappings in address order{(aggregated ? $", drawn as {items.Count:N0} elements: neighbouring mappings of one owner are drawn together past {MaxMapElements:N0}" : "")}; hover a region for its owner and evidence.</p>");
        w.Write($"<svg class=\"map\" viewBox=\"0 0 {MapWidth} {height}\" width=\"{MapWidth}\" height=\"{height}\" role=\"img\"><defs><pattern id=\"hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"2\" height=\"4\" fill=\"#999\"/></pattern></defs>");
        foreach (var (px, prow, width, item, gap) in placed)
        {
            double y = prow * RowHeight + 2, h = RowHeight - 6;
            if (gap) w.Write($"<rect class=\"gap\" x=\"{F(px - 4)}\" y=\"{F(y + h / 2 - 1)}\" width=\"3\" height=\"2\"/>");
            string colour = KindColors.Rgb(item.Kind);
            double resident = item.Virtual == 0 ? 0 : Math.Min(1, (double)item.Rss / item.Virtual);
            w.Write($"<g class=\"region\" data-start=\"{item.StartHex}\" data-kind=\"{E(item.Kind)}\"{(item.Count > 1 ? $" data-first=\"{item.First}\" data-count=\"{item.Count}\"" : "")}><title>{E(item.Title)}</title>");
            w.Write(item.ReservedOnly
                ? $"<rect x=\"{F(px)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(h)}\" fill=\"url(#hatch)\" stroke=\"{colour}\"/>"
                : $"<rect x=\"{F(px)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(h)}\" fill=\"{colour}\" fill-opacity=\"0.35\"/>");
            if (resident > 0) w.Write($"<rect x=\"{F(px)}\" y=\"{F(y + h * (1 - resident))}\" width=\"{F(width)}\" height=\"{F(h * resident)}\" fill=\"{colour}\"/>");
            w.Write("</g>");
        }
        w.Write($"</svg><p id=\"map-detail\" class=\"src\">hover a region: its addresses, owner and evidence show here{(aggregated ? "; click an element drawn for several mappings to list them" : "")}</p>{Legend(items.Select(i => i.Kind))}</section>\n");
        if (aggregated) MapMembers(r.Regions, w);
    }

    /// <summary>
    /// The regions drawn together, one line each in address order, as data the page does not run: clicking an element
    /// drawn for several mappings lists its own (the map's zoom, without a server).
    /// </summary>
    private static void MapMembers(IReadOnlyList<RegionRow> regions, TextWriter w)
    {
        w.Write("<script type=\"application/json\" id=\"map-members\">[");
        for (int i = 0; i < regions.Count; i++)
        {
            var g = regions[i];
            if (i > 0) w.Write(',');
            string line = $"{g.Start}-{g.End} {g.Perms} {Text.Size(g.Numbers.Virtual)}, {Text.Size(g.Numbers.Rss)} resident — {g.Kind}: {g.Owner}";
            w.Write('"');
            w.Write(System.Text.Json.JsonEncodedText.Encode(line).ToString());   // the default encoder escapes <, > and &: no </script> can end it
            w.Write('"');
        }
        w.Write("]</script>\n");
    }

    /// <summary>Hovering a region of the map writes its title (range, owner, evidence) under the map, without a tooltip's delay.</summary>
    private const string MapScript = """
        const mapDetail = document.getElementById('map-detail'), mapSvg = document.querySelector('#map svg');
        if (mapDetail && mapSvg) mapSvg.addEventListener('mouseover', e => { const g = e.target.closest('g.region'); if (g) mapDetail.textContent = g.querySelector('title').textContent; });
        const membersData = document.getElementById('map-members');
        let members = null;
        if (mapDetail && mapSvg && membersData) mapSvg.addEventListener('click', e => {
          const g = e.target.closest('g.region[data-count]');
          if (!g) return;
          members ??= JSON.parse(membersData.textContent);
          const first = +g.dataset.first, count = +g.dataset.count, shown = Math.min(count, 2000);
          mapDetail.textContent = g.querySelector('title').textContent.split('\n')[0] + '\n' + members.slice(first, first + shown).join('\n') + (count > shown ? `\n… and ${count - shown} more` : '');
        });
        """;

    /// <param name="First">the index of its first region; <paramref name="Count"/> regions from there are drawn as this element.</param>
    private sealed record MapItem(ulong Start, ulong End, string StartHex, string Kind, string Owner, ulong Virtual, ulong Rss, bool ReservedOnly, string Title, int First = 0, int Count = 1);

    private static List<MapItem> MapItems(IReadOnlyList<RegionRow> regions)
    {
        var items = regions.Select((g, i) => new MapItem(Hex(g.Start), Hex(g.End), g.Start, g.Kind, g.Owner, g.Numbers.Virtual, g.Numbers.Rss ?? 0, g.Numbers.Committed == 0,
            RegionTitle(g), i)).ToList();
        if (items.Count <= MaxMapElements) return items;
        // Neighbours of one owner first; then of one kind; then plain runs of neighbours, so the page stays drawable.
        items = Merge(items, (a, b) => a.Owner == b.Owner && a.Kind == b.Kind && a.End == b.Start);
        if (items.Count > MaxMapElements) items = Merge(items, (a, b) => a.Kind == b.Kind && a.End == b.Start);
        for (int run = 2; items.Count > MaxMapElements; run *= 2)
        {
            int n = 0;
            items = Merge(items, (a, b) => ++n % run != 0);
        }
        return items;
    }

    private static string RegionTitle(RegionRow g) =>
        $"{g.Start}-{g.End} {g.Perms} {Text.Size(g.Numbers.Virtual)}, {Text.Size(g.Numbers.Rss)} resident\n{g.Kind}: {g.Owner}{(g.Detail.Length > 0 ? $" ({g.Detail})" : "")}\n{(g.Path.Length > 0 ? g.Path + "\n" : "")}{g.Evidence}";

    private static List<MapItem> Merge(List<MapItem> items, Func<MapItem, MapItem, bool> together)
    {
        var merged = new List<MapItem>(items.Count);
        var counts = new List<int>(items.Count);
        foreach (var i in items)
        {
            int n = i.Title.StartsWith("(", StringComparison.Ordinal) ? int.Parse(i.Title[1..i.Title.IndexOf(' ')], CultureInfo.InvariantCulture) : 1;
            if (merged.Count > 0 && together(merged[^1], i))
            {
                var last = merged[^1];
                counts[^1] += n;
                bool oneOwner = last.Owner == i.Owner, oneKind = last.Kind == i.Kind;
                string kind = oneKind ? i.Kind : last.Virtual >= i.Virtual ? last.Kind : i.Kind;
                string owner = oneOwner ? i.Owner : "several owners";
                merged[^1] = last with
                {
                    End = i.End,
                    Kind = kind,
                    Owner = owner,
                    Virtual = last.Virtual + i.Virtual,
                    Rss = last.Rss + i.Rss,
                    ReservedOnly = last.ReservedOnly && i.ReservedOnly,
                    Count = last.Count + i.Count,
                    Title = $"({counts[^1]} mappings drawn together) {last.StartHex}-{i.End:x}, {Text.Size(last.Virtual + i.Virtual)}, {Text.Size(last.Rss + i.Rss)} resident\n{kind}: {owner}",
                };
            }
            else
            {
                merged.Add(i);
                counts.Add(n);
            }
        }
        return merged;
    }

    /// <summary>One treemap per measure, owners grouped by kind; radio buttons switch them with CSS alone.</summary>
    private static void Treemaps(Report r, TextWriter w)
    {
        (string Id, string Name, Func<Figures, ulong?> Of)[] measures = [("virtual", "VSZ", f => f.Virtual), ("rss", "RSS", f => f.Rss), ("pss", "PSS", f => f.Pss), ("swap", "swap", f => f.Swap)];
        w.Write("<section id=\"treemap\"><h2>Owners</h2>");
        foreach (var (id, name, _) in measures)
            w.Write($"<input type=\"radio\" name=\"measure\" id=\"tm-{id}\"{(id == "rss" ? " checked" : "")}><label for=\"tm-{id}\">{name}</label>");
        foreach (var (id, name, of) in measures)
        {
            var groups = r.Groups.Where(g => (of(g.Numbers) ?? 0) > 0).ToList();
            var cells = Treemap.Layout(groups.Select(g => (double)of(g.Numbers)!.Value).ToList(), TreeWidth, TreeHeight);
            w.Write($"<svg class=\"tm\" id=\"svg-{id}\" data-measure=\"{id}\" viewBox=\"0 0 {TreeWidth} {TreeHeight}\" width=\"{TreeWidth}\" height=\"{TreeHeight}\" role=\"img\">");
            foreach (var c in cells)
            {
                var g = groups[c.Index];
                ulong v = of(g.Numbers)!.Value;
                w.Write($"<g class=\"owner\"><title>{E(g.Kind)}: {E(g.Owner)}\n{Text.Size(v)} {name}</title><rect x=\"{F(c.X)}\" y=\"{F(c.Y)}\" width=\"{F(c.Width)}\" height=\"{F(c.Height)}\" fill=\"{KindColors.Rgb(g.Kind)}\"/>");
                if (c.Width > 70 && c.Height > 18)
                    w.Write($"<text x=\"{F(c.X + 4)}\" y=\"{F(c.Y + 14)}\">{E(Text.MiddleElide(g.Owner, (int)(c.Width / 7)))} {Text.Size(v)}</text>");
                w.Write("</g>");
            }
            if (cells.Count == 0) w.Write($"<text x=\"20\" y=\"30\">no {name} to show</text>");
            w.Write("</svg>");
        }
        w.Write("</section>\n");
    }

    private static void Breakdown(Report r, TextWriter w)
    {
        w.Write("<section id=\"breakdown\"><h2>Breakdown by owner</h2><p>Click a heading to sort. Children sum to their kind; kinds sum to the total.</p><table class=\"sortable\"><thead><tr>");
        foreach (var h in new[] { "kind", "owner", "regions", "virtual", "reserved", "committed", "rss", "pss", "private", "swap" }) w.Write($"<th>{h}</th>");
        w.Write("</tr></thead><tbody>");
        foreach (var g in r.Groups)
        {
            var f = g.Numbers;
            w.Write($"<tr><td><i style=\"background:{KindColors.Rgb(g.Kind)}\"></i>{E(g.Kind)}</td><td>{E(g.Owner)}{(g.Confidence == "inferred" ? " *" : "")}</td>");
            w.Write($"{Cell(f.Regions)}{Cell(f.Virtual)}{Cell(f.ReservedOnly)}{Cell(f.Committed)}{Cell(f.Rss)}{Cell(f.Pss)}{Cell(f.Private)}{Cell(f.Swap)}</tr>");
        }
        var t = r.Totals;
        w.Write($"</tbody><tfoot><tr><td>total</td><td></td>{Cell(t.Regions)}{Cell(t.Virtual)}{Cell(t.ReservedOnly)}{Cell(t.Committed)}{Cell(t.Rss)}{Cell(t.Pss)}{Cell(t.Private)}{Cell(t.Swap)}</tr></tfoot></table>");
        w.Write("<p>* inferred: the runtime is identified by another signal and these mappings match its documented layout.</p></section>\n");
    }

    private static string Cell(ulong? bytes) => $"<td class=\"num\" data-v=\"{N(bytes)}\">{Text.Size(bytes)}</td>";
    private static string Cell(int count) => $"<td class=\"num\" data-v=\"{count}\">{count.ToString("N0", CultureInfo.InvariantCulture)}</td>";

    private static void Findings(Report r, TextWriter w)
    {
        if (r.Findings.Count == 0) return;
        w.Write("<section id=\"findings\"><h2>Findings</h2><ol>");
        foreach (var f in r.Findings) w.Write($"<li><b>{E(f.Title)}</b> ({Text.Size(f.Bytes)})<p>{E(f.Text)}</p></li>");
        w.Write("</ol></section>\n");
    }

    private static string E(string s) => HtmlPage.E(s);
    private static string N(ulong? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
