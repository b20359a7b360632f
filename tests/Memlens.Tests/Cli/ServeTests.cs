using System.Net;
using System.Text.Json;
using Memlens.Cli.Serve;
using Memlens.Core.Sources;
using Memlens.Tests.Support;
using Microsoft.Playwright;

namespace Memlens.Tests.Cli;

/// <summary>
/// `memlens serve` on loopback with a real C subject: the routes and their refusals over plain HTTP, then the pages
/// in a real Chromium (Debian's, driven by Playwright): list → report → live owners → the subject exits.
/// </summary>
public sealed class ServeTests : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly MemlensServer _server = new(new IPEndPoint(IPAddress.Loopback, 0), ProcRoot.Default, rows: 5000);
    private readonly HttpClient _http = new();
    private readonly TempDirectories _temp = new();

    public ServeTests() => _ = _server.RunAsync(_stop.Token);

    public void Dispose()
    {
        _stop.Cancel();
        _server.Dispose();
        _http.Dispose();
        _stop.Dispose();
        _temp.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Message)> Get(string path, string? host = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(_server.Url, path));
        if (host is not null) request.Headers.Host = host;
        var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task It_listens_on_loopback_and_answers_only_reads_to_its_own_name()
    {
        Assert.True(IPAddress.IsLoopback(_server.EndPoint.Address));
        Assert.Equal(HttpStatusCode.OK, (await Get("/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get("/", host: $"localhost:{_server.EndPoint.Port}")).Status);
        // A page elsewhere that rebinds its own name to 127.0.0.1 arrives with its own Host: refused.
        var rebound = await Get("/", host: $"attacker.example:{_server.EndPoint.Port}");
        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.Status);
        Assert.DoesNotContain("<table", rebound.Body, StringComparison.Ordinal);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var refused = await Get("/", method: method);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.Status);
            Assert.Equal("GET, HEAD", string.Join(", ", refused.Message.Content.Headers.Allow));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/etc/passwd")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/process/0")).Status);
        Assert.Equal("no-store", (await Get("/")).Message.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task The_list_links_to_a_report_whose_live_part_follows_the_process_until_it_exits()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        int pid = subject.Pid;
        var list = await Get("/");
        Assert.Contains($"<a href=\"/process/{subject.Pid}\">{subject.Pid} ", list.Body, StringComparison.Ordinal);

        var page = await Get($"/process/{subject.Pid}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var json = JsonDocument.Parse(MemlensCli.Run("report", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json").Out).RootElement;
        long vsz = json.GetProperty("headline").GetProperty("vsz").GetInt64();
        Assert.Contains($"data-name=\"VSZ\" data-bytes=\"{vsz}\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", page.Body, StringComparison.Ordinal);

        var live = JsonDocument.Parse((await Get($"/api/process/{subject.Pid}")).Body).RootElement;
        Assert.False(live.GetProperty("exited").GetBoolean());
        Assert.Equal(vsz, live.GetProperty("vsz").GetInt64());
        Assert.Contains(live.GetProperty("owners").EnumerateArray(), o => o.GetProperty("owner").GetString() == SubjectBuilds.Threads);

        var download = await Get($"/process/{subject.Pid}/report.html");
        Assert.Contains("attachment", download.Message.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("connect-src", download.Body, StringComparison.Ordinal);   // the saved page fetches nothing

        subject.Dispose();
        var gone = await Get($"/api/process/{pid}");
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.True(JsonDocument.Parse(gone.Body).RootElement.GetProperty("exited").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Get($"/process/{pid}")).Status);
    }

    [Fact]
    public async Task A_snapshot_downloads_as_an_archive_and_leaves_nothing_behind()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var before = Directory.GetDirectories(Path.GetTempPath(), "memlens-serve-*").Length;
        using var response = await _http.GetAsync(new Uri(_server.Url, $"/process/{subject.Pid}/snapshot.tar.gz"));
        byte[] archive = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, archive[..2]);   // gzip
        string file = Path.Combine(Path.GetTempPath(), $"memlens-serve-test-{Guid.NewGuid():N}.tar.gz");
        try
        {
            File.WriteAllBytes(file, archive);
            var r = MemlensCli.Run("report", file, "--json");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(subject.Pid, JsonDocument.Parse(r.Out).RootElement.GetProperty("process").GetProperty("pid").GetInt32());
        }
        finally { File.Delete(file); }
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "memlens-serve-*").Length);
    }

    /// <summary>
    /// A report of 60,000 mappings stays a drawable page: past the element limit neighbours are drawn together, and
    /// clicking such an element lists its own mappings from the data the page carries (no server, nothing fetched).
    /// </summary>
    [Fact]
    public async Task On_a_map_of_60000_mappings_an_element_drawn_for_several_lists_them_when_clicked()
    {
        using var subject = Subject.Start(SubjectBuilds.ManyMaps, "60000");
        string file = Path.Combine(_temp.New("memlens-map-"), "report.html");
        var r = MemlensCli.Run("report", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "html", "-o", file);
        Assert.True(r.ExitCode == 0, r.Error);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var page = await browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        await page.GotoAsync("file://" + file);
        int drawn = await page.Locator("#map g.region").CountAsync();
        Assert.InRange(drawn, 1, Memlens.Reporting.Html.HtmlReportWriter.MaxMapElements);
        var element = page.Locator("#map g.region[data-count]").First;
        int count = int.Parse(await element.GetAttributeAsync("data-count") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        string start = await element.GetAttributeAsync("data-start") ?? "";
        Assert.True(count > 1);
        await element.ClickAsync(new() { Force = true });
        var lines = (await page.TextContentAsync("#map-detail") ?? "").Split('\n');
        Assert.StartsWith("(", lines[0], StringComparison.Ordinal);                 // the element's own line: "(N mappings drawn together) …"
        Assert.StartsWith(start + "-", lines[1], StringComparison.Ordinal);         // then its first mapping, and the next ones in address order
        Assert.Equal(1 + Math.Min(count, 2000) + (count > 2000 ? 1 : 0), lines.Length);
        Assert.Empty(console);
    }

    [Fact]
    public async Task In_a_real_browser_list_report_hover_treemap_and_an_exit_mid_watch()
    {
        var subject = Subject.Start(SubjectBuilds.Threads);
        int pid = subject.Pid;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            var page = await browser.NewPageAsync();
            var console = new List<string>();
            var elsewhere = new List<string>();
            page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
            page.Request += (_, r) => { if (!r.Url.StartsWith(_server.Url.ToString(), StringComparison.Ordinal)) elsewhere.Add(r.Url); };

            await page.GotoAsync(_server.Url.ToString());
            await page.ClickAsync($"a[href='/process/{subject.Pid}']");
            await page.WaitForURLAsync($"**/process/{subject.Pid}");
            // The live table fills from the server, and names the subject's own binary among the owners.
            await page.WaitForSelectorAsync($"#live-owners tbody tr[data-owner='{SubjectBuilds.Threads}']");

            // RSS by kind over time, stacked, in the colours of every other view; a band a kind, none empty.
            var band = await page.WaitForSelectorAsync("#live-chart polygon[data-kind='image']");
            Assert.Equal(Memlens.Reporting.Terminal.KindColors.Rgb("image"), await band!.GetAttributeAsync("fill"));
            var kinds = await page.EvalOnSelectorAllAsync<string[]>("#live-chart polygon", "ps => ps.map(p => p.dataset.kind)");
            Assert.Equal(kinds.Length, kinds.Distinct().Count());
            Assert.Contains("stack", kinds);

            // Hovering a region of the map shows its owner under the map.
            var region = page.Locator("#map g.region").First;
            string title = await region.Locator("title").TextContentAsync() ?? "";
            await region.HoverAsync(new() { Force = true });
            Assert.Equal(title, await page.TextContentAsync("#map-detail"));

            // The treemap switches measure.
            Assert.True(await page.IsVisibleAsync("#svg-rss"));
            await page.ClickAsync("label[for='tm-virtual']");
            Assert.True(await page.IsVisibleAsync("#svg-virtual"));
            Assert.False(await page.IsVisibleAsync("#svg-rss"));

            // The process exits while the page watches it: the page says so.
            subject.Dispose();
            await page.WaitForSelectorAsync("body[data-exited='true']", new() { Timeout = 30_000 });
            Assert.Contains($"process {pid} exited", await page.TextContentAsync("#live-status") ?? "", StringComparison.Ordinal);

            Assert.Empty(elsewhere);
            // The only console lines allowed are the browser's own for the 410 the exit returns.
            Assert.All(console, line => Assert.Contains("410", line, StringComparison.Ordinal));
        }
        finally { subject.Dispose(); }
    }
}
