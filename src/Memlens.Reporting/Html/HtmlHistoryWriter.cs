using System.Globalization;
using Memlens.Core.History;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Html.HtmlPage;

namespace Memlens.Reporting.Html;

/// <summary>`memlens history --format html`: RSS by kind over time as a stacked chart, then each owner's trend and verdict.</summary>
public static class HtmlHistoryWriter
{
    public static void Write(HistoryReport r, TextWriter w)
    {
        Begin(w, $"memlens history: {r.Target}", r.Samples == 0
            ? "no samples recorded"
            : $"{r.Samples:N0} samples ({r.FullSamples:N0} with owners) from {r.From:yyyy-MM-dd HH:mm:ss} to {r.To:yyyy-MM-dd HH:mm:ss}; {r.Processes.Count} process(es){(r.Processes.Any(p => p.Restart) ? ", restarts marked on the chart" : "")}");
        StackedChart.Write(w, "RSS by kind over time", r.Kinds, markers: r.Processes.Where(p => p.Restart).Select(p => (p.First, $"pid {p.Pid} started (a restart)")));
        var verdicts = r.Owners.Where(o => o.Shape is not ("flat" or "too few samples")).ToList();
        if (verdicts.Count > 0) w.Write($"<section id=\"findings\"><h2>Verdicts</h2><ul>{string.Concat(verdicts.Select(v => $"<li>{E(v.Verdict)}</li>"))}</ul></section>\n");
        w.Write("<section id=\"trends\"><h2>Owners</h2><table class=\"sortable\"><thead><tr>");
        foreach (var h in new[] { "kind", "owner", "samples", "RSS first", "RSS last", "slope per hour", "R²", "shape" }) w.Write($"<th>{h}</th>");
        w.Write("</tr></thead><tbody>");
        foreach (var o in r.Owners)
            w.Write($"<tr><td>{E(o.Kind)}</td><td>{E(o.Owner)}</td><td class=\"num\" data-v=\"{o.Samples}\">{o.Samples:N0}</td>{Size(o.FirstRss)}{Size(o.LastRss)}" +
                $"<td class=\"num\" data-v=\"{o.RssPerHour.ToString("0", CultureInfo.InvariantCulture)}\">{(o.RssPerHour < 0 ? "−" : "+")}{E(Text.Size((ulong)Math.Abs(o.RssPerHour)))}</td>" +
                $"<td class=\"num\">{o.RSquared.ToString("0.00", CultureInfo.InvariantCulture)}</td><td>{E(o.Shape)}</td></tr>");
        w.Write("</tbody></table></section>\n");
        End(w);
    }

    private static string Size(ulong n) => $"<td class=\"num\" data-v=\"{n}\">{E(Text.Size(n))}</td>";
}
