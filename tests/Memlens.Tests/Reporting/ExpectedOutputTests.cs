using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Json;
using Memlens.Reporting.Terminal;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>
/// The report of each captured fixture, compared with the stored expected output (tests/fixtures/*/expected).
/// MEMLENS_UPDATE_EXPECTED=1 rewrites them after a deliberate change; review the diff.
/// </summary>
public class ExpectedOutputTests
{
    public static TheoryData<string> Names => ["c-threads", "go-cgo-http", "go-pure-http-alloc", "dotnet-subject", "c-threads-cgroup-v2", "jvm-g1"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Terminal_report_matches(string fixture) =>
        Compare(fixture, "report.txt", w => TerminalReportWriter.Write(Build(fixture), w));

    /// <summary>On a terminal of 60, 80 and 120 columns, with and without colour: columns dropped, names middle-elided.</summary>
    [Theory]
    [InlineData("dotnet-subject", 60, false)]
    [InlineData("dotnet-subject", 80, false)]
    [InlineData("dotnet-subject", 120, false)]
    [InlineData("dotnet-subject", 60, true)]
    [InlineData("dotnet-subject", 80, true)]
    [InlineData("dotnet-subject", 120, true)]
    [InlineData("c-threads", 60, false)]
    [InlineData("c-threads", 80, true)]
    public void Terminal_report_fits_the_terminal(string fixture, int width, bool color)
    {
        var layout = new TerminalLayout(width, Color: color);
        string name = $"report.w{width}{(color ? "-color" : "")}.txt";
        Compare(fixture, name, w => TerminalReportWriter.Write(Build(fixture), w, layout: layout));
        string text = File.ReadAllText(Path.Combine(Fixtures.Dir(fixture), "expected", name));
        string plain = System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", "");
        // Every line fits, but a single word longer than the terminal (a long path) that cannot be broken.
        Assert.All(plain.Split('\n'), line => Assert.True(line.Length <= width || !line.Trim().Contains(' '), $"wider than {width}: {line}"));
        Assert.Equal(color, text.Contains('\u001b'));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(120)]
    public void Terminal_maps_fits_the_terminal(int width)
    {
        var regions = Build("dotnet-subject").Regions;
        Compare("dotnet-subject", $"maps.w{width}.txt", w => TerminalMapsWriter.Write(regions, w, evidence: false, new TerminalLayout(width)));
    }

    [Fact]
    public void The_glance_bars_give_each_kind_its_share()
    {
        var report = Build("dotnet-subject");
        var w = new StringWriter();
        TerminalReportWriter.Write(report, w, layout: new TerminalLayout(80));
        foreach (var (label, share) in new (string, Func<Memlens.Core.Model.Figures, ulong>)[] { ("VSZ", f => f.Virtual), ("RSS", f => f.Rss ?? 0) })
        {
            string line = w.ToString().Split('\n').Single(l => l.StartsWith($"  {label} [", StringComparison.Ordinal));
            string bar = line[(line.IndexOf('[') + 1)..line.IndexOf(']')];
            Assert.Equal(60, bar.Length);
            foreach (var kind in report.Kinds)
            {
                double expected = 60.0 * share(kind.Numbers) / share(report.Totals);
                Assert.InRange(bar.Count(c => c == KindColors.Letter(kind.Kind)), Math.Floor(expected), Math.Ceiling(expected));
            }
        }
    }

    [Fact]
    public void Wide_shows_every_column_and_a_pipe_cuts_nothing()
    {
        var report = Build("dotnet-subject");
        var wide = new StringWriter();
        TerminalReportWriter.Write(report, wide, layout: new TerminalLayout(60, Wide: true));
        Assert.Contains("kind / owner", wide.ToString(), StringComparison.Ordinal);
        Assert.Contains("committed", wide.ToString(), StringComparison.Ordinal);   // a column a 60-column terminal drops
        var pipe = new StringWriter();
        TerminalReportWriter.Write(report, pipe);
        Assert.Contains("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", pipe.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('…', pipe.ToString().Split("FINDINGS")[0].Split("BREAKDOWN")[1].Replace("… ", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Json_report_matches_and_reads_back(string fixture)
    {
        var report = Build(fixture);
        string json = JsonReportWriter.Write(report);
        Compare(fixture, "report.json", w => w.Write(JsonReportWriter.WriteIndented(report)));
        Assert.DoesNotContain('\n', json);   // the CLI's JSON is compact: one line
        var back = JsonReportWriter.Read(json)!;
        Assert.Equal(report.Totals, back.Totals);
        Assert.Equal(report.Regions.Count, back.Regions.Count);
        Assert.Equal("memlens.report/1", back.Schema);
    }

    /// <summary>The per-mapping rows are written by hand for speed; the bytes must be the generated serializer's.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Json_rows_written_by_hand_are_the_serializers_bytes(string fixture)
    {
        var report = Build(fixture);
        var rows = report.Regions.ToList();   // plain rows: the generated serializer writes them
        string generated = System.Text.Json.JsonSerializer.Serialize(report with { Regions = rows }, ReportJsonContext.Default.Report);
        Assert.Equal(generated, JsonReportWriter.Write(report));
        Assert.Equal(JsonReportWriter.WriteIndented(report with { Regions = rows }), JsonReportWriter.WriteIndented(report));
    }

    [Fact]
    public void Json_rows_escape_what_a_target_can_put_in_a_path()
    {
        // Quotes, a backslash, HTML-sensitive and control characters, non-ASCII: escaped as the serializer escapes them.
        string dir = Path.Combine(Path.GetTempPath(), $"memlens-odd-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var f in Directory.GetFiles(Fixtures.Dir("c-threads"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), true);
            string smaps = File.ReadAllText(Path.Combine(dir, "smaps"));
            File.WriteAllText(Path.Combine(dir, "smaps"), smaps.Replace("/tmp/threads", "/tmp/a \"b\" \\ <c> & 'd' +e\u001b[31m é 漢\t", StringComparison.Ordinal));
            var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(dir)));
            string generated = System.Text.Json.JsonSerializer.Serialize(report with { Regions = report.Regions.ToList() }, ReportJsonContext.Default.Report);
            Assert.Contains("\\u0022b\\u0022", generated, StringComparison.Ordinal);
            Assert.Equal(generated, JsonReportWriter.Write(report));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Json_has_the_documented_fields()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(JsonReportWriter.Write(Build("c-threads")));
        var root = doc.RootElement;
        foreach (var name in new[] { "schema", "process", "totals", "kinds", "groups", "regions", "checks", "findings", "warnings" })
            Assert.True(root.TryGetProperty(name, out _), name);
        foreach (var name in new[] { "virtual", "reservedOnly", "committed", "rss", "pss", "private", "shared", "swap", "anonymous" })
            Assert.True(root.GetProperty("totals").TryGetProperty(name, out _), name);
        var region = root.GetProperty("regions")[0];
        foreach (var name in new[] { "start", "end", "perms", "path", "kind", "owner", "evidence", "numbers" })
            Assert.True(region.TryGetProperty(name, out _), name);
        Assert.Matches("^[0-9a-f]+$", region.GetProperty("start").GetString()!);
    }

    private static Memlens.Reporting.Model.Report Build(string fixture)
    {
        var s = SnapshotSource.Load(Fixtures.Dir(fixture));
        // The source label names the test's output path; pin it so the expected output does not depend on where tests run.
        // Pinned: the source named as in the repository, and no saved metrics pages.
        var pinned = s with { Source = $"snapshot tests/fixtures/{fixture}", MetricsPages = [] };
        return ReportBuilder.Build(Analyzer.Analyze(pinned));
    }

    private static void Compare(string fixture, string file, Action<TextWriter> render)
    {
        var w = new StringWriter { NewLine = "\n" };
        render(w);
        string actual = w.ToString();
        string expectedPath = Path.Combine(Fixtures.Dir(fixture), "expected", file);
        if (Environment.GetEnvironmentVariable("MEMLENS_UPDATE_EXPECTED") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            File.WriteAllText(expectedPath, actual);
        }
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }
}
