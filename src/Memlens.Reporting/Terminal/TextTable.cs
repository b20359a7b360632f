using System.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>A plain aligned text table: text columns left-aligned, number columns right-aligned.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    public IReadOnlySet<int> LeftAligned { get; init; } = new HashSet<int> { 0 };

    public void Add(params string[] cells) => _rows.Add(cells);
    public void AddRule() => _rows.Add([]);

    public void WriteTo(TextWriter w, string indent = "")
    {
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in _rows)
            for (int i = 0; i < row.Length && i < widths.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        w.WriteLine(indent + Line(headers, widths).TrimEnd());
        foreach (var row in _rows)
            w.WriteLine(indent + (row.Length == 0 ? new string('-', widths.Sum() + (2 * (widths.Length - 1))) : Line(row, widths).TrimEnd()));
    }

    private string Line(string[] cells, int[] widths)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < widths.Length; i++)
        {
            string c = i < cells.Length ? cells[i] : "";
            if (i > 0) sb.Append("  ");
            sb.Append(LeftAligned.Contains(i) ? c.PadRight(widths[i]) : c.PadLeft(widths[i]));
        }
        return sb.ToString();
    }
}
