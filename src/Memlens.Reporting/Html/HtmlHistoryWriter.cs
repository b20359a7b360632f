using System.Globalization;
using Memlens.Core.History;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Html.HtmlPage;

namespace Memlens.Reporting.Html;

/// <summary>`memlens history --format html`: RSS by kind over time as a stacked chart, then each owner's trend and verdict.</summary>
public static class HtmlHistoryWriter
{
    private const double Width = 1000, Height = 260;

    public static void Write(HistoryReport r, TextWriter w)
    {
        Begin(w, $"memlens history: {r.Target}", r.Samples == 0
            ? "no samples recorded"
            : $"{r.Samples:N0} samples ({r.FullSamples:N0} with owners) from {r.From:yyyy-MM-dd HH:mm:ss} to {r.To:yyyy-MM-dd HH:mm:ss}; {r.Processes.Count} process(es){(r.Processes.Any(p => p.Restart) ? ", restarts marked on the chart" : "")}");
        Chart(r, w);
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

    /// <summary>One band a kind, stacked in the order of their last size (the largest at the bottom), in the kinds' colours.</summary>
    private static void Chart(HistoryReport r, TextWriter w)
    {
        if (r.Kinds.Count == 0) return;
        var first = r.Kinds[0].At;
        double span = Math.Max(1, (r.Kinds[^1].At - first).TotalSeconds);
        double top = Math.Max(1, r.Kinds.Max(k => (double)k.Rss.Values.Aggregate(0UL, (a, b) => a + b)));
        var kinds = r.Kinds[^1].Rss.OrderByDescending(k => k.Value).Select(k => k.Key).Union(r.Kinds.SelectMany(k => k.Rss.Keys)).ToList();
        double X(int i) => r.Kinds.Count == 1 ? Width * i : Width * (r.Kinds[i].At - first).TotalSeconds / span;
        double Y(double v) => Height - 5 - (v * (Height - 15) / top);
        w.Write($"<section id=\"chart\"><h2>RSS by kind over time</h2><svg viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        var below = new double[r.Kinds.Count];
        foreach (var kind in kinds)
        {
            var lower = (double[])below.Clone();
            for (int i = 0; i < below.Length; i++) below[i] += r.Kinds[i].Rss.GetValueOrDefault(kind);
            var points = Enumerable.Range(0, below.Length).Select(i => $"{F(X(i))},{F(Y(below[i]))}")
                .Concat(Enumerable.Range(0, below.Length).Reverse().Select(i => $"{F(X(i))},{F(Y(lower[i]))}"));
            w.Write($"<polygon data-kind=\"{E(kind)}\" fill=\"{KindColors.Rgb(kind)}\" points=\"{string.Join(' ', points)}\"><title>{E(kind)}: {E(Text.Size(r.Kinds[^1].Rss.GetValueOrDefault(kind)))} at the last sample</title></polygon>");
        }
        foreach (var restart in r.Processes.Where(p => p.Restart))
        {
            double x = Width * (restart.First - first).TotalSeconds / span;
            w.Write($"<line class=\"restart\" x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"0\" y2=\"{Height}\" stroke=\"#000\" stroke-dasharray=\"4 3\"><title>pid {restart.Pid} started (a restart)</title></line>");
        }
        w.Write($"</svg><p class=\"legend\">{string.Concat(kinds.Select(k => $"<span><i style=\"background:{KindColors.Rgb(k)}\"></i>{E(k)}</span>"))}</p></section>\n");
    }

    private static string Size(ulong n) => $"<td class=\"num\" data-v=\"{n}\">{E(Text.Size(n))}</td>";
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
