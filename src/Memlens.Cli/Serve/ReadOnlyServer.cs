using System.Net;

namespace Memlens.Cli.Serve;

/// <summary>
/// The shell of memlens's servers: bound where asked, answering only to its own name (<see cref="HostCheck"/>) and only
/// GET and HEAD, so that nothing a request says can change anything on the machine.
/// </summary>
public abstract class ReadOnlyServer : IDisposable
{
    private readonly HttpServer _http;
    private readonly HostCheck _host;

    protected ReadOnlyServer(IPEndPoint at)
    {
        _http = new HttpServer(at, Handle);
        _host = new HostCheck(at.Address, _http.EndPoint.Port);
    }

    public IPEndPoint EndPoint => _http.EndPoint;
    /// <summary>Where a person on this machine reaches the server.</summary>
    public Uri Url => _host.Url;

    public Task RunAsync(CancellationToken stop) => _http.RunAsync(stop);

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    internal HttpResponse Handle(HttpRequest request)
    {
        if (!_host.Allows(request)) return _host.Refusal();
        if (request.Method is not ("GET" or "HEAD"))
            return new HttpResponse(405, "text/plain; charset=utf-8", "memlens: read-only; only GET and HEAD are answered\n"u8.ToArray(), new Dictionary<string, string> { ["Allow"] = "GET, HEAD" });
        try { return Answer(request); }
        finally { MemoryGiveBack.AfterRequest(); }
    }

    /// <summary>The answer to a GET or HEAD from the server's own name.</summary>
    private protected abstract HttpResponse Answer(HttpRequest request);
}
