using System.Globalization;
using Memlens.Core.Model;

namespace Memlens.Reporting.Csv;

/// <summary>
/// Comma-separated values for a spreadsheet (RFC 4180 quoting, lines ended by LF): a header row, bytes as plain integers, an unknown figure as an
/// empty field. A text field that a spreadsheet would take for a formula (=, +, -, @ first) is prefixed with '.
/// </summary>
public sealed class CsvTable(TextWriter w)
{
    private bool _first = true;

    public CsvTable Text(string? value)
    {
        Separator();
        if (value is null) return this;
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) w.Write(value);
        else w.Write("\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        return this;
    }

    public CsvTable Number(ulong? value)
    {
        Separator();
        if (value is ulong v) w.Write(v.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>The figures every table shares, in the JSON's order and names.</summary>
    public CsvTable Figures(Figures f) => Number((ulong)f.Regions).Number(f.Virtual).Number(f.ReservedOnly).Number(f.Committed).Number(f.Rss)
        .Number(f.Pss).Number(f.Private).Number(f.Shared).Number(f.Swap).Number(f.Anonymous).Number(f.Dirty);

    public const string FigureHeaders = "regions,virtual,reserved_only,committed,rss,pss,private,shared,swap,anonymous,dirty";

    public void EndRow()
    {
        w.Write("\n");
        _first = true;
    }

    private void Separator()
    {
        if (!_first) w.Write(',');
        _first = false;
    }
}
