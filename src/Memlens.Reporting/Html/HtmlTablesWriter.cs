using System.Globalization;
using Memlens.Core.Model;
using Memlens.Reporting.Model;
using Memlens.Reporting.Terminal;
using static Memlens.Reporting.Html.HtmlPage;

namespace Memlens.Reporting.Html;

/// <summary>`--format html` for top, threads and diff: the same page shell as the report, their rows as sortable tables.</summary>
public static class HtmlTablesWriter
{
    public static void Top(TopReport r, TextWriter w)
    {
        var t = r.Totals;
        Begin(w, $"memlens top: {t.Processes} processes by {r.By}", $"sorted by {r.Sort}; Σ PSS {Text.Size(t.Pss)} (RAM the processes use, shared pages split), Σ USS {Text.Size(t.Uss)}, Σ swap {Text.Size(t.Swap)}");
        Table(w, [r.By, "processes", "threads", "VSZ", "reserved only", "RSS", "PSS", "USS", "swap", "largest owner"], r.Rows.Select(x => new[]
        {
            Txt(x.Key), Count(x.Processes), Count(x.Threads), Bytes(x.Vsz), Bytes(x.ReservedOnly), Bytes(x.Rss), Bytes(x.Pss), Bytes(x.Uss), Bytes(x.Swap), Txt(x.LargestOwner ?? ""),
        }));
        Checks(w, r.Checks);
        End(w);
    }

    public static void Threads(ThreadsReport r, TextWriter w)
    {
        var p = r.Process;
        Begin(w, $"memlens threads: {p.Comm ?? "?"} (pid {p.Pid})", $"{p.Source}: {r.Threads.Count} thread(s)");
        Table(w, ["tid", "name", "stack", "size", "resident", "guard", "where", "found by"], r.Threads.Select(x => new[]
        {
            Count(x.Tid), Txt(x.Name ?? "?"), Txt(x.StackRange ?? "?"), Bytes(x.StackSize), Bytes(x.StackResident), Bytes(x.GuardSize), Txt(x.Where), Txt(x.How),
        }));
        w.Write($"<p>{E(r.ArenaNote)}</p>");
        End(w);
    }

    /// <summary>`watch --format html`: the samples as a stacked chart, then the owners that changed since the first one.</summary>
    public static void Watch(WatchPage p, TextWriter w)
    {
        Begin(w, $"memlens watch: {p.Name} (pid {p.Pid})", $"{p.Kinds.Count:N0} sample(s) from {p.Kinds[0].At:yyyy-MM-dd HH:mm:ss} to {p.Kinds[^1].At:HH:mm:ss}{(p.Ended is null ? "" : $"; {p.Ended}")}");
        StackedChart.Write(w, "RSS by kind over time", p.Kinds);
        ChangeTables(p.SinceStart, w, "Owners that changed since the first sample");
        End(w);
    }

    public static void Diff(DiffReport d, TextWriter w)
    {
        Begin(w, "memlens diff", $"before: {d.Before} · after: {d.After}");
        w.Write("<section id=\"totals\"><h2>Totals</h2>");
        Table(w, ["", "VSZ", "RSS", "PSS", "USS", "swap"],
        [
            [Txt("before"), Bytes(d.TotalBefore.Virtual), Bytes(d.TotalBefore.Rss), Bytes(d.TotalBefore.Pss), Bytes(d.TotalBefore.Private), Bytes(d.TotalBefore.Swap)],
            [Txt("after"), Bytes(d.TotalAfter.Virtual), Bytes(d.TotalAfter.Rss), Bytes(d.TotalAfter.Pss), Bytes(d.TotalAfter.Private), Bytes(d.TotalAfter.Swap)],
        ]);
        w.Write("</section>");
        StackedChart.Write(w, "RSS by kind, before and after", d.Kinds, byIndex: true);
        ChangeTables(d, w, "Owners that changed");
        End(w);
    }

    private static void ChangeTables(DiffReport d, TextWriter w, string title)
    {
        w.Write($"<section id=\"changes\"><h2>{E(title)}</h2>");
        Table(w, ["kind", "owner", "change", "VSZ before", "VSZ after", "VSZ change", "RSS change", "regions appeared", "regions vanished"], d.Changes.Select(c => new[]
        {
            Kind(c.Kind), Txt(c.Owner), Txt(c.Change), Bytes(c.Before.Virtual), Bytes(c.After.Virtual), Signed(c.VirtualDelta), Signed(c.RssDelta),
            Count(c.RegionsAppeared.Count), Count(c.RegionsVanished.Count),
        }));
        w.Write("</section>");
    }

    public static void Strace(StraceReport r, TextWriter w)
    {
        Begin(w, $"memlens strace: {r.Log}", $"{r.Lines:N0} lines, {r.Processes.Count} process(es){(r.GarbageLines > 0 ? $", {r.GarbageLines} unreadable line(s)" : "")}{(r.StoppedAt is null ? "" : $"; replayed up to {r.StoppedAt}")}");
        foreach (var p in r.Processes)
        {
            w.Write($"<section class=\"process\"><h2>Process {p.Pid} {E(p.Exe ?? "(executable not in the log)")}</h2><p>lines {p.FirstLine}–{p.LastLine}{(p.Exited ? ", exited" : "")}; at the end VSZ {Text.Size(p.Virtual)}, accessible {Text.Size(p.Committed)}; peak VSZ {Text.Size(p.PeakVirtual)}</p>");
            Table(w, ["tid", "calls", "mapped", "unmapped", "made accessible", "made PROT_NONE", "madvise'd away", "failed"], p.Threads.Select(x => new[]
            {
                Count(x.Tid), Count((int)Math.Min(int.MaxValue, x.Calls)), Bytes(x.Mapped), Bytes(x.Unmapped), Bytes(x.Committed), Bytes(x.Decommitted), Bytes(x.Released), Count((int)Math.Min(int.MaxValue, x.Failed)),
            }));
            Table(w, ["kind", "owner", "regions", "virtual", "accessible", "created by"], p.Owners.Select(x => new[]
            {
                Kind(x.Kind), Txt(x.Owner), Count(x.Regions), Bytes(x.Virtual), Bytes(x.Committed), Txt(x.CreatedBy),
            }));
            w.Write("</section>");
        }
        if (r.Problems.Count > 0) w.Write($"<section id=\"problems\"><h2>Problems in the log</h2><ul>{string.Concat(r.Problems.Select(x => $"<li>{E(x)}</li>"))}</ul></section>");
        End(w);
    }

    public static void Cgroup(CgroupReport r, TextWriter w)
    {
        Begin(w, $"memlens cgroup: {r.Directory}", $"cgroup {r.Version}");
        Table(w, ["figure", "bytes", "meaning"], r.Figures.Select(f => new[] { Txt(f.Name), Bytes(f.Bytes), Txt(f.Meaning) }));
        Checks(w, r.Checks);
        w.Write("<section id=\"processes\"><h2>Processes</h2>");
        Table(w, ["pid", "name", "RssAnon", "RssFile", "RssShmem", "swap"], r.Processes.Select(p => new[]
        {
            Count(p.Pid), Txt(p.Name ?? "?"), Bytes(p.RssAnon), Bytes(p.RssFile), Bytes(p.RssShmem), Bytes(p.Swap),
        }));
        w.Write("</section>");
        if (r.Notes.Count > 0) w.Write($"<ul>{string.Concat(r.Notes.Select(n => $"<li>{E(n)}</li>"))}</ul>");
        End(w);
    }

    /// <summary>A sortable table: each cell is already HTML (text escaped); numbers carry data-v for sorting.</summary>
    internal static void Table(TextWriter w, string[] headings, IEnumerable<string[]> rows)
    {
        w.Write($"<table class=\"sortable\"><thead><tr>{string.Concat(headings.Select(h => $"<th>{E(h)}</th>"))}</tr></thead><tbody>");
        foreach (var row in rows) w.Write($"<tr>{string.Concat(row)}</tr>");
        w.Write("</tbody></table>\n");
    }

    internal static string Txt(string s) => $"<td>{E(s)}</td>";
    private static string Kind(string kind) => $"<td><i style=\"background:{KindColors.Rgb(kind)}\"></i>{E(kind)}</td>";
    private static string Count(int n) => $"<td class=\"num\" data-v=\"{n}\">{n.ToString("N0", CultureInfo.InvariantCulture)}</td>";
    internal static string Bytes(ulong? b) => $"<td class=\"num\" data-v=\"{b?.ToString(CultureInfo.InvariantCulture) ?? ""}\">{Text.Size(b)}</td>";
    private static string Signed(long? d) => d is not long v ? "<td class=\"num\" data-v=\"\">?</td>"
        : $"<td class=\"num\" data-v=\"{v}\">{(v < 0 ? "−" : "+")}{Text.Size((ulong)Math.Abs(v))}</td>";
}
