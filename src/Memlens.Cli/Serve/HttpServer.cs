using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Memlens.Cli.Serve;

/// <summary>A request as far as a read-only page server needs it: the method, the path and query, the headers.</summary>
internal sealed record HttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers)
{
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>The request head, or null when the bytes are not one (too long, cut, not HTTP/1.x).</summary>
    public static HttpRequest? Read(Stream stream)
    {
        var head = new byte[MaxHeadBytes];
        int filled = 0;
        while (true)
        {
            if (filled == head.Length) return null;
            int n = stream.Read(head, filled, head.Length - filled);
            if (n == 0) return null;
            filled += n;
            if (head.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0) break;
        }
        var lines = Encoding.ASCII.GetString(head, 0, head.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)).Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length != 3 || !first[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !first[1].StartsWith('/')) return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) return null;
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        string target = first[1];
        int q = target.IndexOf('?');
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q >= 0)
            foreach (var pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                query[WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq])] = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            }
        return new HttpRequest(first[0], WebUtility.UrlDecode(q < 0 ? target : target[..q]), query, headers);
    }
}

internal sealed record HttpResponse(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static HttpResponse Html(int status, string html) => new(status, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
    public static HttpResponse Json(int status, byte[] json) => new(status, "application/json", json);
    public static HttpResponse Text(int status, string text) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"));

    public void WriteTo(Stream stream, bool head)
    {
        var text = new StringBuilder();
        text.Append($"HTTP/1.1 {Status} {Reason(Status)}\r\nContent-Type: {ContentType}\r\nContent-Length: {Body.Length}\r\n");
        // Pages of a process's memory: not cached, not sniffed, not framed by another site.
        text.Append("Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n");
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>()) text.Append($"{name}: {value}\r\n");
        text.Append("\r\n");
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
        if (!head) stream.Write(Body);
        stream.Flush();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        421 => "Misdirected Request",
        500 => "Internal Server Error",
        _ => "Status",
    };
}

/// <summary>
/// A small HTTP/1.1 server for memlens's own pages: one request per connection, a bounded head, a few connections at
/// once. It answers what <paramref name="handle"/> answers and nothing else.
/// </summary>
internal sealed class HttpServer(IPEndPoint at, Func<HttpRequest, HttpResponse> handle) : IDisposable
{
    public const int MaxConnections = 16;
    private readonly TcpListener _listener = Listen(at);
    private readonly SemaphoreSlim _slots = new(MaxConnections);

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    private static TcpListener Listen(IPEndPoint at)
    {
        var listener = new TcpListener(at);
        listener.Start();
        return listener;
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(stop); }
            catch (OperationCanceledException) { break; }
            catch (SocketException) when (stop.IsCancellationRequested) { break; }
            try { await _slots.WaitAsync(stop); }
            catch (OperationCanceledException)
            {
                client.Dispose();
                break;
            }
            _ = Task.Run(() =>
            {
                try { Serve(client); }
                finally { _slots.Release(); }
            }, CancellationToken.None);
        }
    }

    private void Serve(TcpClient client)
    {
        using (client)
        {
            client.ReceiveTimeout = 10_000;
            client.SendTimeout = 30_000;
            try
            {
                var stream = client.GetStream();
                var request = HttpRequest.Read(stream);
                HttpResponse response;
                if (request is null) response = HttpResponse.Text(400, "memlens: not an HTTP request");
                else
                {
                    try { response = handle(request); }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        response = HttpResponse.Text(500, $"memlens: {e.Message}");
                    }
                }
                response.WriteTo(stream, request?.Method == "HEAD");
            }
            catch (IOException) { }          // the browser went away
            catch (SocketException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _slots.Dispose();
    }
}
