using System.Globalization;
using Memlens.Core.History;

namespace Memlens.Reporting.Terminal;

/// <summary>`memlens history`: the span recorded, the processes (restarts marked), then each owner's trend and verdict.</summary>
public static class TerminalHistoryWriter
{
    /// <summary>The programs a history file holds, for `memlens history` without a target.</summary>
    public static void Write(HistoryIndex index, TextWriter w)
    {
        if (index.Programs.Count == 0)
        {
            w.WriteLine($"{index.File} holds no samples yet (memlens record writes them)");
            return;
        }
        w.WriteLine($"{index.File}: {index.Programs.Count} program(s); `memlens history NAME` shows one");
        var table = new TextTable("program", "processes", "samples", "from", "to") { LeftAligned = new HashSet<int> { 0 } };
        foreach (var p in index.Programs)
            table.Add(p.Program, p.Processes.ToString("N0", CultureInfo.InvariantCulture), p.Samples.ToString("N0", CultureInfo.InvariantCulture),
                p.From.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), p.To.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        table.WriteTo(w, TerminalLayout.Plain, "  ");
    }

    public static void Write(HistoryReport r, TextWriter w)
    {
        if (r.Samples == 0)
        {
            w.WriteLine($"no samples of {r.Target} recorded (memlens record {r.Target} writes them)");
            return;
        }
        w.WriteLine($"history of {r.Target}: {r.Samples:N0} samples ({r.FullSamples:N0} with owners) from {r.From:yyyy-MM-dd HH:mm:ss} to {r.To:yyyy-MM-dd HH:mm:ss}");
        foreach (var p in r.Processes)
            w.WriteLine($"  pid {p.Pid}{(p.Restart ? " (restarted: continues the series)" : "")}: {p.First:HH:mm:ss} – {p.Last:HH:mm:ss}");
        w.WriteLine();
        var rows = r.Owners.Select(o => new[]
        {
            o.Kind, o.Owner, Text.Size(o.FirstRss), Text.Size(o.LastRss),
            (o.RssPerHour >= 0 ? "+" : "−") + Text.Size((ulong)Math.Abs(o.RssPerHour)) + "/h", o.RSquared.ToString("0.00", CultureInfo.InvariantCulture), o.Shape,
        }).ToList();
        string[] head = ["kind", "owner", "RSS first", "RSS last", "slope", "R²", "shape"];
        var widths = head.Select((h, i) => rows.Select(x => x[i].Length).Prepend(h.Length).Max()).ToArray();
        w.WriteLine(string.Join("  ", head.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var x in rows) w.WriteLine(string.Join("  ", x.Select((c, i) => i is >= 2 and <= 5 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
        w.WriteLine();
        foreach (var o in r.Owners.Where(o => o.Shape is not ("flat" or "too few samples")).Prepend(r.Owners[0]).Distinct())
            w.WriteLine($"  {o.Verdict}");
        if (r.Runtime.Count == 0) return;
        w.WriteLine();
        w.WriteLine("the runtime's own figures (its metrics page, at each classified sample):");
        var figures = new TextTable("figure", "first", "last", "slope", "R²", "shape") { LeftAligned = new HashSet<int> { 0, 5 } };
        foreach (var f in r.Runtime)
            figures.Add(f.Owner, Text.Size(f.FirstRss), Text.Size(f.LastRss), (f.RssPerHour >= 0 ? "+" : "−") + Text.Size((ulong)Math.Abs(f.RssPerHour)) + "/h",
                f.RSquared.ToString("0.00", CultureInfo.InvariantCulture), f.Shape);
        figures.WriteTo(w, TerminalLayout.Plain, "  ");
        if (r.RuntimeVerdict is { } verdict) w.WriteLine($"  {verdict}");
    }
}
