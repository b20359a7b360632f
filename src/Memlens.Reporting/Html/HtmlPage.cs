using System.Net;

namespace Memlens.Reporting.Html;

/// <summary>
/// The shell of every HTML output: one self-contained page (no script, style, font or image is fetched; the
/// Content-Security-Policy forbids any load), its title and source line, the shared style, and the table-sorting script.
/// </summary>
public static class HtmlPage
{
    /// <param name="live">a page of `memlens serve`, which may fetch from the server that sent it and nowhere else.</param>
    public static void Begin(TextWriter w, string title, string subtitle, bool live = false)
    {
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'{(live ? "; connect-src 'self'" : "")}\">");
        w.Write($"<meta name=\"viewport\" content=\"width=device-width\"><title>{E(title)}</title><style>{Style}</style></head><body>\n");
        w.Write($"<h1>{E(title)}</h1><p class=\"src\">{E(subtitle)}</p>\n");
    }

    /// <param name="script">more of the page's own script (a live page's refresh).</param>
    public static void End(TextWriter w, string? script = null) => w.Write($"<script>{SortScript}{script}</script></body></html>\n");

    /// <summary>Identity checks as a list: [ok] or [!!], the name, expected and actual bytes, the explanation.</summary>
    public static void Checks(TextWriter w, IReadOnlyList<Core.Reconciliation.Check> checks)
    {
        if (checks.Count == 0) return;
        w.Write("<section id=\"checks\"><h2>Reconciliation</h2><ul>");
        foreach (var c in checks) w.Write(CheckItem(c));
        w.Write("</ul></section>\n");
    }

    /// <summary>One identity as a list item: [ok] or [!!], its figures and its explanation.</summary>
    public static string CheckItem(Core.Reconciliation.Check c) =>
        $"<li class=\"{(c.Holds ? "ok" : "bad")}\"><b>[{(c.Holds ? "ok" : "!!")}]</b> {E(c.Name)}: expected {c.Expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}, actual {c.Actual.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}<p>{E(c.Explanation)}</p></li>";

    /// <summary>Text from a target or a file, made inert.</summary>
    public static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;max-width:1250px}h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin-top:1.6em}
        .src{color:#666;margin:.2em 0}#headline{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}.figure{border:1px solid #ddd;border-radius:6px;padding:.5em .8em;min-width:8em}
        .figure b{display:block;font-size:1.4em}.figure span{font-weight:600}.figure small{display:block;color:#777}
        table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .bars{width:100%}.bars th{width:6em}.bars td:last-child{width:100%}.bar{display:flex;height:18px;background:#eee}.seg{display:block;height:100%}
        .legend span{margin-right:1em;white-space:nowrap}.legend i,td i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}
        .legend i.hatch{background:repeating-linear-gradient(45deg,#999 0 2px,#fff 2px 4px)}.legend i.solid{background:#555}
        svg{display:block;max-width:100%;height:auto}.map .gap{fill:#bbb}.map g.region:hover rect{stroke:#000;stroke-width:1}
        .tm{display:none}.tm text{font-size:12px;fill:#111;pointer-events:none}.tm rect{stroke:#fff;stroke-width:1}
        #tm-virtual:checked~#svg-virtual,#tm-rss:checked~#svg-rss,#tm-pss:checked~#svg-pss,#tm-swap:checked~#svg-swap{display:block}
        .sortable th{cursor:pointer;border-bottom:1px solid #ccc}.sortable tbody tr:nth-child(odd){background:#f7f7f7}tfoot td{border-top:1px solid #ccc;font-weight:600}
        #checks li.bad{color:#b00}#checks p,#findings p{margin:.2em 0 .6em;color:#444}
        """;

    private const string SortScript = """
        for (const t of document.querySelectorAll('table.sortable')) {
          t.querySelectorAll('th').forEach((th, i) => th.addEventListener('click', () => {
            const body = t.tBodies[0], rows = [...body.rows], dir = th.dataset.dir === 'd' ? 1 : -1;
            th.dataset.dir = dir === 1 ? 'a' : 'd';
            const key = r => { const c = r.cells[i]; return c.dataset.v !== undefined ? Number(c.dataset.v || -1) : c.textContent; };
            rows.sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * dir; });
            rows.forEach(r => body.appendChild(r));
          }));
        }
        """;
}
