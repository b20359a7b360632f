using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Html;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>`report --format html`: one self-contained page whose numbers are the report's.</summary>
public sealed partial class HtmlReportTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static string Html(Memlens.Reporting.Model.Report r)
    {
        var w = new StringWriter();
        HtmlReportWriter.Write(r, w);
        return w.ToString();
    }

    [Theory]
    [InlineData("c-threads")]
    [InlineData("go-cgo-http")]
    [InlineData("jvm-g1")]
    public void The_page_is_self_contained_and_its_numbers_are_the_reports(string fixture)
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir(fixture))));
        string html = Html(report);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        // Nothing is fetched: no address in an attribute or a style (advice in the text may name one, as words), no src
        // or href, and the policy forbids any load.
        Assert.DoesNotMatch("=\\s*[\"']?https?://|url\\([\"']?(?!#)", html);
        Assert.DoesNotMatch(" (src|href)=", html);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        // One map element per region, in address order.
        var starts = RegionStart().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(report.Regions.Select(r => r.Start), starts);
        // The headline's figures are the report's bytes.
        Assert.Contains($"data-name=\"VSZ\" data-bytes=\"{report.Headline.Vsz}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-name=\"RSS\" data-bytes=\"{report.Headline.Rss}\"", html, StringComparison.Ordinal);
        // A treemap per measure, a breakdown row per owner, every finding.
        Assert.Equal(["virtual", "rss", "pss", "swap"], Treemaps().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Equal(report.Groups.Count, Regex.Count(html[html.IndexOf("<tbody>", StringComparison.Ordinal)..html.IndexOf("</tbody>", StringComparison.Ordinal)], "<tr>"));
        Assert.All(report.Findings, f => Assert.Contains(System.Net.WebUtility.HtmlEncode(f.Title), html, StringComparison.Ordinal));
    }

    [Fact]
    public void Text_from_the_target_is_escaped()
    {
        var s = Synthetic.Process("7f0000000000-7f0000001000 r--p 00000000 08:01 5 /tmp/<script>alert(1)</script>\n");
        string html = Html(ReportBuilder.Build(Analyzer.Analyze(s)));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_the_element_limit_neighbouring_mappings_of_one_owner_are_drawn_together()
    {
        var maps = new StringBuilder();
        for (int i = 0; i < HtmlReportWriter.MaxMapElements + 5000; i++)
        {
            ulong start = 0x7f0000000000UL + (ulong)i * 0x2000;
            // Alternating permissions keep the kernel's mappings apart, as a real process's guard pages do.
            maps.Append(CultureInfo.InvariantCulture, $"{start:x}-{start + 0x1000:x} rw-p 00000000 00:00 0\n{start + 0x1000:x}-{start + 0x2000:x} ---p 00000000 00:00 0\n");
        }
        var report = ReportBuilder.Build(Analyzer.Analyze(Synthetic.Process(maps.ToString())));
        string html = Html(report);
        int drawn = RegionStart().Count(html);
        Assert.True(drawn < report.Regions.Count, $"{drawn} elements for {report.Regions.Count} regions");
        Assert.Contains("drawn together", html, StringComparison.Ordinal);
    }

    /// <summary>Chromium headless: the page and what its console said ("INFO:CONSOLE" lines on stderr).</summary>
    private static (string Dom, string[] Console) Browse(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        // A profile of its own beside the page: nothing of the user's browser is read or changed.
        string profile = Path.Combine(Path.GetDirectoryName(file)!, "profile-" + Path.GetFileNameWithoutExtension(file));
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + file })
            start.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(start)!;
        var error = p.StandardError.ReadToEndAsync();
        string dom = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "chromium did not finish");
        return (dom, error.Result.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void A_real_browser_loads_it_with_no_console_message_and_every_region_drawn()
    {
        string dir = _temp.New("memlens-html-");
        string page = Path.Combine(dir, "report.html");
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir("jvm-g1"))));
        File.WriteAllText(page, Html(report));
        var (dom, console) = Browse(page);
        Assert.Empty(console);
        Assert.Equal(report.Regions.Count, RegionStart().Count(dom));
        Assert.Contains($"data-name=\"USS\" data-bytes=\"{report.Headline.Uss}\"", dom, StringComparison.Ordinal);
        // The same check sees a page that logs, or that tries to fetch (the report's policy would refuse it and say so).
        string bad = Path.Combine(dir, "bad.html");
        File.WriteAllText(bad, "<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>");
        Assert.Contains(Browse(bad).Console, l => l.Contains("boom", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cli_writes_it_to_a_file_whole()
    {
        string file = Path.Combine(_temp.New("memlens-html-"), "report.html");
        var r = MemlensCli.Run("report", Fixtures.Dir("c-threads"), "--format", "html", "-o", file);
        Assert.Equal(0, r.ExitCode);
        Assert.EndsWith("</html>\n", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("threads", "threads")]
    [InlineData("diff", "changes")]
    [InlineData("top", "rows")]
    [InlineData("cgroup", "processes")]
    public void Top_threads_and_diff_are_pages_too_with_a_row_per_json_row(string command, string rowsProperty)
    {
        string[] args = command switch
        {
            "threads" => ["threads", Fixtures.Dir("c-threads")],
            "diff" => ["diff", Fixtures.Dir("c-threads"), Fixtures.Dir("c-threads-cgroup-v2")],
            "cgroup" => ["cgroup", Fixtures.Dir("c-threads-cgroup-v2")],
            _ => ["top", "-n", "5"],
        };
        string file = Path.Combine(_temp.New("memlens-html-"), "page.html");
        Assert.Equal(0, MemlensCli.Run([.. args, "--format", "html", "-o", file]).ExitCode);
        string html = File.ReadAllText(file);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("https?://| (src|href)=", html);
        // The last table holds the rows; as many as the JSON document has (top: the same five largest).
        var json = System.Text.Json.JsonDocument.Parse(MemlensCli.Run([.. args, "--json"]).Out).RootElement;
        string body = html[html.LastIndexOf("<tbody>", StringComparison.Ordinal)..];
        Assert.Equal(json.GetProperty(rowsProperty).GetArrayLength(), Regex.Count(body[..body.IndexOf("</tbody>", StringComparison.Ordinal)], "<tr>"));
    }

    /// <summary>The runtimes' own sections are on the page as in the terminal: each identity, and the kernel's figures beside them.</summary>
    [Theory]
    [InlineData("jvm-g1", "jvm")]
    [InlineData("go-cgo-http", "go")]
    [InlineData("dotnet-subject", "dotnet")]
    public void The_runtimes_sections_are_on_the_page(string fixture, string runtime)
    {
        var report = ReportBuilder.Build(Analyzer.Analyze(SnapshotSource.Load(Fixtures.Dir(fixture))));
        string html = Html(report);
        int at = html.IndexOf($"<section id=\"runtime-{runtime}\">", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {runtime} section");
        string section = html[at..html.IndexOf("</section>", at, StringComparison.Ordinal)];
        var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(report, Memlens.Reporting.Json.ReportJsonContext.Default.Report)).RootElement.GetProperty(runtime);
        Assert.Equal(json.GetProperty("identities").GetArrayLength(), Regex.Count(section, "<li class=\"(ok|bad)\">"));
        int kernel = section.IndexOf("beside the kernel", StringComparison.Ordinal);
        string body = section[section.IndexOf("<tbody>", kernel, StringComparison.Ordinal)..section.IndexOf("</tbody>", kernel, StringComparison.Ordinal)];
        Assert.Equal(json.GetProperty("kernelView").GetArrayLength(), Regex.Count(body, "<tr>"));
    }

    [Fact]
    public void Diff_and_watch_draw_rss_by_kind_over_time_stacked()
    {
        using var subject = Subject.Start(SubjectBuilds.Grow);   // mallocs and touches 1 MiB every 50 ms
        string dir = _temp.New("memlens-html-");
        string pid = subject.Pid.ToString(CultureInfo.InvariantCulture);
        // diff: two moments of the growing subject, one band a kind, its native heap larger after.
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b"), diffPage = Path.Combine(dir, "diff.html");
        Assert.Equal(0, MemlensCli.Run("capture", pid, "-o", a).ExitCode);
        Thread.Sleep(500);
        Assert.Equal(0, MemlensCli.Run("capture", pid, "-o", b).ExitCode);
        var json = System.Text.Json.JsonDocument.Parse(MemlensCli.Run("diff", a, b, "--json").Out).RootElement;
        var kinds = json.GetProperty("kinds");
        Assert.Equal(2, kinds.GetArrayLength());
        Assert.True(kinds[1].GetProperty("rss").GetProperty("native-heap").GetUInt64() > kinds[0].GetProperty("rss").GetProperty("native-heap").GetUInt64());
        Assert.Equal(0, MemlensCli.Run("diff", a, b, "--format", "html", "-o", diffPage).ExitCode);
        string diff = File.ReadAllText(diffPage);
        Assert.Equal(kinds[1].GetProperty("rss").EnumerateObject().Count(), Regex.Count(diff, "<polygon "));
        Assert.Contains($"<polygon data-kind=\"native-heap\" fill=\"{Memlens.Reporting.Terminal.KindColors.Rgb("native-heap")}\"", diff, StringComparison.Ordinal);
        // watch: one page when it ends, the samples as a stacked chart.
        string watchPage = Path.Combine(dir, "watch.html");
        var watch = MemlensCli.Run("watch", pid, "--interval", "200ms", "--count", "5", "--format", "html", "-o", watchPage);
        Assert.True(watch.ExitCode == 0, watch.Error);
        string page = File.ReadAllText(watchPage);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("https?://| (src|href)=", page);
        Assert.Contains("5 sample(s)", page, StringComparison.Ordinal);
        Assert.Contains("<polygon data-kind=\"native-heap\"", page, StringComparison.Ordinal);
        var points = Regex.Match(page, "<polygon data-kind=\"native-heap\"[^>]* points=\"([^\"]+)\"").Groups[1].Value.Split(' ');
        Assert.Equal(10, points.Length);   // five samples along the top of the band, five back along its bottom
        MemlensCli.AssertOneLine(MemlensCli.Run("watch", pid, "--format", "html"), Memlens.Core.ExitCode.Usage, "give --count N");
    }

    [Fact]
    public void Strace_is_a_page_with_each_process_owners()
    {
        string dir = _temp.New("memlens-html-");
        string log = Path.Combine(dir, "log"), file = Path.Combine(dir, "strace.html");
        RealProgram.Run("strace", "-f", "-tt", "-T", "-y", "-o", log, "--", "sh", "-c", "ls / >/dev/null & ls /usr >/dev/null; wait");
        Assert.Equal(0, MemlensCli.Run("strace", log, "--format", "html", "-o", file).ExitCode);
        string html = File.ReadAllText(file);
        Assert.DoesNotMatch("https?://| (src|href)=", html);
        var json = System.Text.Json.JsonDocument.Parse(MemlensCli.Run("strace", log, "--json").Out).RootElement;
        var processes = json.GetProperty("processes");
        Assert.Equal(processes.GetArrayLength(), Regex.Count(html, "<section class=\"process\">"));
        string body = html[html.LastIndexOf("<tbody>", StringComparison.Ordinal)..];
        Assert.Equal(processes[processes.GetArrayLength() - 1].GetProperty("owners").GetArrayLength(), Regex.Count(body[..body.IndexOf("</tbody>", StringComparison.Ordinal)], "<tr>"));
    }

    [GeneratedRegex("<g class=\"region\" data-start=\"([0-9a-f]+)\"")]
    private static partial Regex RegionStart();

    [GeneratedRegex("<svg class=\"tm\" id=\"svg-([a-z]+)\"")]
    private static partial Regex Treemaps();
}
