using System.Net;
using System.Text;
using Memlens.Core.Machine;
using Memlens.Core.Sources;
using Memlens.Reporting.Prometheus;

namespace Memlens.Cli.Serve;

/// <summary>What one sample of `memlens exporter` covers: the grouping and the bounds on groups, owners and processes.</summary>
public sealed record ExporterScope(string By = "program", int Groups = 10, int Owners = 5, int ProcessesPerGroup = 20)
{
    /// <summary>Identities checked per process: 15 from /proc (docs/categories.md), the rest room for a runtime's.</summary>
    public const int MaxChecks = 32;

    /// <summary>
    /// The most series one scrape can hold, whatever runs on the machine: per group (and "other") its processes and 5
    /// kernel measures; per examined group its examined count, 6 measures of each kind and of each kept owner and
    /// "other", and a residual per identity; and 4 about the scrape. No label holds a pid.
    /// </summary>
    public int MaxSeries => ((Groups + 1) * 6) + (Groups * (1 + (Core.Model.Kinds.All.Count * 6) + ((Owners + 1) * 6) + MaxChecks)) + 4;

    public OwnerSample Sample(ProcRoot proc) => OwnerSample.Take(By, Groups, Owners, ProcessesPerGroup, proc);
}

/// <summary>
/// `memlens exporter`: `/metrics` in the Prometheus text format, or OpenMetrics when the scraper asks for it. Each
/// scrape samples the machine then; nothing is kept between scrapes. GET only, and only to its own name.
/// </summary>
public sealed class MetricsServer(IPEndPoint at, ExporterScope scope, ProcRoot proc) : ReadOnlyServer(at)
{
    public const int DefaultPort = 9470;
    private const string OpenMetrics = "application/openmetrics-text";
    private readonly ExporterScope _scope = scope;
    private readonly ProcRoot _proc = proc;

    private protected override HttpResponse Answer(HttpRequest request)
    {
        if (request.Path == "/")
            return HttpResponse.Html(200, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>memlens exporter</title></head><body><h1>memlens exporter</h1><p><a href=\"/metrics\">/metrics</a></p></body></html>\n");
        if (request.Path != "/metrics") return HttpResponse.Text(404, $"memlens: nothing at {request.Path}; the metrics are at /metrics");
        string text = OwnerMetricsWriter.Write(_scope.Sample(_proc));
        bool open = request.Headers.TryGetValue("Accept", out var accept) && accept.Contains(OpenMetrics, StringComparison.Ordinal);
        return open
            ? new HttpResponse(200, $"{OpenMetrics}; version=1.0.0; charset=utf-8", Encoding.UTF8.GetBytes(text + "# EOF\n"))
            : new HttpResponse(200, "text/plain; version=0.0.4; charset=utf-8", Encoding.UTF8.GetBytes(text));
    }
}
