namespace Memlens.Reporting.Terminal;

/// <summary>
/// A plain aligned text table: text columns left-aligned, number columns right-aligned. Given a width to fit
/// (<see cref="TerminalLayout"/>), it drops the columns named in <see cref="DropFirst"/>, in that order, and then
/// middle-elides the <see cref="Elastic"/> column; in a file or a pipe it shows everything whole.
/// </summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<(string[] Cells, string? Sgr)> _rows = [];
    public IReadOnlySet<int> LeftAligned { get; init; } = new HashSet<int> { 0 };
    /// <summary>The column whose long values are middle-elided to fit (a path, an owner), or null.</summary>
    public int? Elastic { get; init; }
    /// <summary>Columns a narrow terminal goes without, the least useful first.</summary>
    public IReadOnlyList<int> DropFirst { get; init; } = [];
    /// <summary>The elastic column is prose (a meaning): wrapped onto more lines to fit, rather than cut.</summary>
    public bool WrapsElastic { get; init; }
    /// <summary>The column a row's colour (its kind's) is applied to.</summary>
    public int ColoredColumn { get; init; }

    public void Add(params string[] cells) => _rows.Add((cells, null));
    /// <summary>A row shown in a colour (ANSI SGR parameters, <see cref="KindColors"/>) when the layout has colour.</summary>
    public void AddColored(string? sgr, params string[] cells) => _rows.Add((cells, sgr));
    public void AddRule() => _rows.Add(([], null));

    public void WriteTo(TextWriter w, string indent = "") => WriteTo(w, TerminalLayout.Plain, indent);

    public void WriteTo(TextWriter w, TerminalLayout layout, string indent = "")
    {
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var (row, _) in _rows)
            for (int i = 0; i < row.Length && i < widths.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        var shown = Enumerable.Range(0, headers.Length).ToList();
        if (layout.TableWidth is int fit)
        {
            // Long names give way first (down to a readable 40 columns), then the least useful columns, then names again.
            int Total() => indent.Length + shown.Sum(i => widths[i]) + (2 * (shown.Count - 1));
            void Shrink(int floor)
            {
                if (Elastic is int e && shown.Contains(e) && Total() > fit)
                    widths[e] = Math.Max(Math.Min(widths[e], Math.Max(headers[e].Length, floor)), widths[e] - (Total() - fit));
            }
            Shrink(40);
            foreach (int column in layout.Wide ? [] : DropFirst)
                if (Total() > fit) shown.Remove(column);
            Shrink(12);
        }
        WriteLine(w, indent, headers, widths, shown, null, false);
        foreach (var (row, sgr) in _rows)
        {
            if (row.Length == 0) w.WriteLine(indent + new string('-', shown.Sum(i => widths[i]) + (2 * (shown.Count - 1))));
            else if (WrapsElastic && Elastic is int e && e < row.Length && row[e].Length > widths[e])
            {
                // Prose: the row's first line, then the rest of the column under itself.
                var pieces = Text.Wrap(row[e], widths[e]).ToList();
                // A word longer than the column (a metric's path) stays whole: prose is never cut.
                WriteLine(w, indent, [.. row[..e], pieces[0], .. row[(e + 1)..]], widths, shown, sgr, layout.Color, elide: false);
                foreach (var piece in pieces.Skip(1))
                    WriteLine(w, indent, [.. Enumerable.Repeat("", e), piece], widths, shown, sgr, layout.Color, elide: false);
            }
            else WriteLine(w, indent, row, widths, shown, sgr, layout.Color);
        }
    }

    /// <summary>One row: padded on plain text (colour codes never count toward a width), without trailing blanks.</summary>
    private void WriteLine(TextWriter w, string indent, string[] cells, int[] widths, List<int> shown, string? sgr, bool color, bool elide = true)
    {
        var parts = new List<(string Text, bool Painted)>();
        foreach (int i in shown)
        {
            string c = i < cells.Length ? cells[i] : "";
            if (c.Length > widths[i] && (elide || i != Elastic)) c = Text.MiddleElide(c, widths[i]);
            if (i != shown[0]) parts.Add(("  ", false));
            string pad = new(' ', Math.Max(0, widths[i] - c.Length));
            bool painted = i == ColoredColumn && sgr is not null && color;
            if (LeftAligned.Contains(i)) { parts.Add((c, painted)); parts.Add((pad, false)); }
            else { parts.Add((pad, false)); parts.Add((c, painted)); }
        }
        // Trailing blanks go, as TrimEnd did when a line was one string.
        while (parts.Count > 0 && string.IsNullOrWhiteSpace(parts[^1].Text)) parts.RemoveAt(parts.Count - 1);
        w.Write(indent);
        foreach (var (text, painted) in parts) KindColors.Write(w, text, painted ? sgr : null, painted);
        w.WriteLine();
    }
}
