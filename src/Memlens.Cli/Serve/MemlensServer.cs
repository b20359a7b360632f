using System.Globalization;
using System.Net;
using Memlens.Core;
using Memlens.Core.Analysis;
using Memlens.Core.Machine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Html;
using Memlens.Reporting.Json;

namespace Memlens.Cli.Serve;

/// <summary>
/// `memlens serve`: the process list → a process's report → its owners live, a snapshot or the report to download.
/// It only reads: every route is a GET (or HEAD), and nothing it answers changes anything on the machine. It answers
/// only to its own address (the Host header is checked, so a web page elsewhere cannot reach it through DNS rebinding).
/// </summary>
public sealed class MemlensServer(IPEndPoint at, ProcRoot proc, int rows = 50) : ReadOnlyServer(at)
{
    public const int DefaultPort = 7470;
    private readonly ProcRoot _proc = proc;
    private readonly int _rows = rows;

    private protected override HttpResponse Answer(HttpRequest request)
    {
        var parts = request.Path.Trim('/').Split('/');
        string by = request.Query.TryGetValue("by", out var b) && ServePages.Groupings.Contains(b) ? b : "process";
        return parts switch
        {
            [""] => HttpResponse.Html(200, Page(w => ServePages.ProcessList(Top(by), w))),
            ["api", "top"] => HttpResponse.Json(200, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Top(by), TopJsonContext.Default.TopReport)),
            ["process", var p] when Pid(p) is int pid => ProcessPage(pid),
            ["process", var p, "report.html"] when Pid(p) is int pid => Download(pid, $"memlens-{pid}.html", "text/html; charset=utf-8", () => System.Text.Encoding.UTF8.GetBytes(Page(w => HtmlReportWriter.Write(Report(pid), w)))),
            ["process", var p, "snapshot.tar.gz"] when Pid(p) is int pid => Download(pid, $"memlens-{pid}.tar.gz", "application/gzip", () => Snapshot(pid)),
            ["api", "process", var p] when Pid(p) is int pid => Live(pid),
            _ => HttpResponse.Text(404, $"memlens: nothing at {request.Path}"),
        };
    }

    private Memlens.Reporting.Model.TopReport Top(string by) =>
        TopReportBuilder.Build(MachineAnalysis.Run(by, "pss", _rows, detail: Math.Min(_rows, 10), _proc), by, "pss");

    private Memlens.Reporting.Model.Report Report(int pid) => ReportBuilder.Build(Analyzer.Analyze(LiveProcess.Load(pid, _proc)));

    private HttpResponse ProcessPage(int pid)
    {
        try { return HttpResponse.Html(200, Page(w => HtmlReportWriter.Write(Report(pid), w, ServePages.LiveParts(pid)))); }
        catch (MemlensException e) when (Gone(e)) { return HttpResponse.Html(404, NotThere(pid, e)); }
    }

    private HttpResponse Live(int pid)
    {
        try { return HttpResponse.Json(200, ServePages.LiveJson(Report(pid), DateTimeOffset.Now)); }
        catch (MemlensException e) when (Gone(e)) { return HttpResponse.Json(410, ServePages.ExitedJson(pid, e.Message)); }
    }

    private static HttpResponse Download(int pid, string name, string type, Func<byte[]> body)
    {
        try { return new HttpResponse(200, type, body(), new Dictionary<string, string> { ["Content-Disposition"] = $"attachment; filename=\"{name}\"" }); }
        catch (MemlensException e) when (Gone(e)) { return HttpResponse.Html(404, NotThere(pid, e)); }
    }

    /// <summary>A capture into a private temporary directory, read back and removed: nothing is left on the machine.</summary>
    private byte[] Snapshot(int pid)
    {
        var dir = Directory.CreateTempSubdirectory("memlens-serve-");
        try
        {
            var result = Capture.Write(pid, Path.Combine(dir.FullName, "snapshot.tar.gz"), _proc);
            return File.ReadAllBytes(result.Path);
        }
        finally { dir.Delete(recursive: true); }
    }

    private static bool Gone(MemlensException e) => e.Code is ExitCode.NoSuchProcess or ExitCode.ProcessExited or ExitCode.PermissionDenied;

    private static string NotThere(int pid, MemlensException e) => Page(w =>
    {
        HtmlPage.Begin(w, $"memlens: pid {pid}", e.Message);
        w.Write($"<p id=\"gone\">{HtmlPage.E(e.Message)}</p><p><a href=\"/\">all processes</a></p>");
        HtmlPage.End(w);
    });

    private static string Page(Action<TextWriter> write)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        write(w);
        return w.ToString();
    }

    private static int? Pid(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
}
