namespace Memlens.Formats.Elf;

/// <summary>
/// Which metrics endpoints a Go binary links in, from its function names (.strtab, or .gopclntab when stripped):
/// net/http/pprof, expvar, client_golang's promhttp. Evidence of what could be served, never a guess at a port.
/// </summary>
public static class GoLinkedPackages
{
    public const int MaxNameTableBytes = 256 << 20;

    public static readonly IReadOnlyList<(string Symbol, string Endpoint)> Endpoints =
    [
        ("net/http/pprof.Index", "net/http/pprof: GET /debug/pprof/heap?debug=1 (the '# runtime.MemStats' trailer)"),
        ("expvar.expvarHandler", "expvar: GET /debug/vars (the \"memstats\" object)"),
        ("github.com/prometheus/client_golang/prometheus/promhttp.Handler", "client_golang: the Prometheus handler, usually GET /metrics (go_memstats_*)"),
    ];

    public static IReadOnlyList<string> Find(Stream stream, ElfFile elf)
    {
        var table = elf.Section(".strtab") ?? elf.Section(".gopclntab");
        if (table is null) return [];
        var bytes = ElfFile.ReadSection(stream, elf.Name, table, MaxNameTableBytes);
        return Endpoints.Where(e => bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(e.Symbol)) >= 0).Select(e => e.Endpoint).ToList();
    }
}
