using System.Net;

namespace Memlens.Cli.Serve;

/// <summary>
/// Which Host headers a server of memlens answers: its own loopback names, or the address it was told to bind; every
/// Host when bound to all addresses (as asked explicitly). A web page elsewhere that rebinds its name to 127.0.0.1
/// sends its own name, and is refused.
/// </summary>
internal sealed class HostCheck
{
    private readonly HashSet<string> _hosts;

    public HostCheck(IPAddress bound, int port)
    {
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}" };
        AnyHost = bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any);
        if (!IPAddress.IsLoopback(bound) && !AnyHost) _hosts.Add(Authority(bound, port));
        Url = new Uri($"http://{Authority(IPAddress.IsLoopback(bound) || AnyHost ? IPAddress.Loopback : bound, port)}/");
    }

    public bool AnyHost { get; }
    /// <summary>Where a person on this machine reaches the server.</summary>
    public Uri Url { get; }

    public bool Allows(HttpRequest request) => AnyHost || (request.Headers.TryGetValue("Host", out var host) && _hosts.Contains(host));

    public HttpResponse Refusal() => HttpResponse.Text(421, $"memlens: this server answers to {Url.Authority} only");

    private static string Authority(IPAddress a, int port) =>
        a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]:{port}" : $"{a}:{port}";
}
