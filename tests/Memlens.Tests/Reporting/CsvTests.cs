using System.Globalization;
using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Csv;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>`--format csv`: the same numbers as the report, in a shape a spreadsheet reads.</summary>
public class CsvTests
{
    [Fact]
    public void Maps_as_csv_has_a_row_a_mapping_and_the_reports_numbers()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("c-threads"))));
        var w = new StringWriter();
        CsvWriters.Maps(report.Regions, w);
        var lines = w.ToString().TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(report.Regions.Count, lines.Length - 1);
        int rss = Array.IndexOf(header, "rss"), size = Array.IndexOf(header, "virtual");
        var rows = lines.Skip(1).Select(Fields).ToList();
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        Assert.Contains(rows, r => r[Array.IndexOf(header, "owner")].Contains(", main)", StringComparison.Ordinal));
        Assert.Equal(report.Totals.Rss, rows.Aggregate(0UL, (a, r) => a + ulong.Parse(r[rss], CultureInfo.InvariantCulture)));
        Assert.Equal(report.Totals.Virtual, rows.Aggregate(0UL, (a, r) => a + ulong.Parse(r[size], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Report_as_csv_has_a_row_an_owner()
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("go-cgo-http"))));
        var w = new StringWriter();
        CsvWriters.Report(report, w);
        var lines = w.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("kind,owner,confidence,regions,virtual,reserved_only,committed,rss,pss,private,shared,swap,anonymous,dirty", lines[0]);
        Assert.Equal(report.Groups.Count, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith("go,Go heap arenas,", StringComparison.Ordinal));
    }

    /// <summary>A CSV line's fields, quotes honoured (the owner "thread 12 (app, main)" holds a comma).</summary>
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }

    [Theory]
    [InlineData("/tmp/a,b", "\"/tmp/a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("@sum", "'@sum")]
    [InlineData("plain", "plain")]
    public void Text_is_quoted_and_never_a_formula(string value, string written)
    {
        var w = new StringWriter();
        new CsvTable(w).Text(value).Number(null).EndRow();
        Assert.Equal(written + ",\n", w.ToString());
    }

    [Fact]
    public void The_command_line_writes_it_and_names_commands_without_it()
    {
        var o = new StringWriter();
        Assert.Equal(0, Memlens.Cli.Program.Run(["maps", Fixtures.Dir("c-threads"), "--format", "csv"], new Memlens.Cli.CliConsole(o, new StringWriter())));
        Assert.StartsWith("start,end,perms,", o.ToString(), StringComparison.Ordinal);
        var e = new StringWriter();
        Assert.Equal(2, Memlens.Cli.Program.Run(["elf", "/bin/ls", "--format", "csv"], new Memlens.Cli.CliConsole(new StringWriter(), e)));
        Assert.Contains("--format csv: this command writes text, json", e.ToString(), StringComparison.Ordinal);
    }
}
