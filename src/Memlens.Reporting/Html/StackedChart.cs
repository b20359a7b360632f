using System.Globalization;
using Memlens.Core.History;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Html.HtmlPage;

namespace Memlens.Reporting.Html;

/// <summary>
/// RSS by kind over time as stacked bands, one a kind in the kinds' colours, the largest at the last moment at the
/// bottom: `history`, `watch` and `diff` (two moments) draw the same chart.
/// </summary>
public static class StackedChart
{
    private const double Width = 1000, Height = 260;

    /// <param name="byIndex">place the moments evenly (diff's two snapshots) rather than by their time.</param>
    /// <param name="markers">vertical dashed lines at moments (a restart), with their titles.</param>
    public static void Write(TextWriter w, string title, IReadOnlyList<KindSample> samples, bool byIndex = false, IEnumerable<(DateTimeOffset At, string Title)>? markers = null)
    {
        if (samples.Count == 0) return;
        var first = samples[0].At;
        double span = Math.Max(1, (samples[^1].At - first).TotalSeconds);
        double top = Math.Max(1, samples.Max(k => (double)k.Rss.Values.Aggregate(0UL, (a, b) => a + b)));
        var kinds = samples[^1].Rss.OrderByDescending(k => k.Value).Select(k => k.Key).Union(samples.SelectMany(k => k.Rss.Keys)).ToList();
        double X(int i) => samples.Count == 1 ? Width * i : byIndex ? Width * i / (samples.Count - 1) : Width * (samples[i].At - first).TotalSeconds / span;
        double Y(double v) => Height - 5 - (v * (Height - 15) / top);
        w.Write($"<section id=\"chart\"><h2>{E(title)}</h2><svg viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        var below = new double[samples.Count];
        foreach (var kind in kinds)
        {
            var lower = (double[])below.Clone();
            for (int i = 0; i < below.Length; i++) below[i] += samples[i].Rss.GetValueOrDefault(kind);
            var points = Enumerable.Range(0, below.Length).Select(i => $"{F(X(i))},{F(Y(below[i]))}")
                .Concat(Enumerable.Range(0, below.Length).Reverse().Select(i => $"{F(X(i))},{F(Y(lower[i]))}"));
            w.Write($"<polygon data-kind=\"{E(kind)}\" fill=\"{KindColors.Rgb(kind)}\" points=\"{string.Join(' ', points)}\"><title>{E(kind)}: {E(Text.Size(samples[^1].Rss.GetValueOrDefault(kind)))} at the last moment</title></polygon>");
        }
        foreach (var (at, markerTitle) in markers ?? [])
        {
            double x = Width * (at - first).TotalSeconds / span;
            w.Write($"<line class=\"restart\" x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"0\" y2=\"{Height}\" stroke=\"#000\" stroke-dasharray=\"4 3\"><title>{E(markerTitle)}</title></line>");
        }
        w.Write($"</svg><p class=\"legend\">{string.Concat(kinds.Select(k => $"<span><i style=\"background:{KindColors.Rgb(k)}\"></i>{E(k)}</span>"))}</p></section>\n");
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
