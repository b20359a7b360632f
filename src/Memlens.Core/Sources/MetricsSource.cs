using System.Net.Http;

namespace Memlens.Core.Sources;

/// <summary>
/// Fetches a runtime metrics page: an http(s) URL (GET, 10 s, 64 MiB at most) or a file. Only fetches what the user
/// names: memlens never scans ports.
/// </summary>
public static class MetricsSource
{
    public const int MaxBytes = 64 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public sealed record Page(string Source, string Text);

    public static Page Load(string spec)
    {
        if (spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return new Page(spec, Fetch(spec));
        if (Directory.Exists(spec)) throw new MemlensException(ExitCode.BadInput, $"--metrics {spec}: is a directory (give a file or an http:// URL)");
        if (!File.Exists(spec)) throw new MemlensException(ExitCode.BadInput, $"--metrics {spec}: no such file (give a file or an http:// URL)");
        return new Page(spec, System.Text.Encoding.UTF8.GetString(Files.BoundedFile.Read(spec, MaxBytes, $"--metrics {spec}", "a metrics page")));
    }

    private static string Fetch(string url)
    {
        try
        {
            using var client = new HttpClient { Timeout = Timeout, MaxResponseContentBufferSize = MaxBytes };
            using var response = client.GetAsync(url).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new MemlensException(ExitCode.BadInput, $"--metrics {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            throw new MemlensException(ExitCode.BadInput, $"--metrics {url}: could not fetch ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>metrics.N.txt (+ metrics.N.url, the address it came from) in a snapshot, in N order.</summary>
    public static IReadOnlyList<Page> FromSnapshot(Files.ISnapshotFiles files)
    {
        var pages = new List<(int N, Page Page)>();
        foreach (var name in files.TopLevelFiles())
        {
            if (!name.StartsWith("metrics.", StringComparison.Ordinal) || !name.EndsWith(".txt", StringComparison.Ordinal)) continue;
            if (!int.TryParse(name["metrics.".Length..^".txt".Length], out int n)) continue;
            if (files.TryRead(name, out var text) != Formats.Procfs.ProcFileReader.Outcome.Read) continue;
            string urlName = name[..^".txt".Length] + ".url";
            string label = files.TryRead(urlName, out var url) == Formats.Procfs.ProcFileReader.Outcome.Read ? System.Text.Encoding.UTF8.GetString(url).Trim() : name;
            pages.Add((n, new Page($"{label} (saved in the snapshot as {name})", System.Text.Encoding.UTF8.GetString(text))));
        }
        return pages.OrderBy(p => p.N).Select(p => p.Page).ToList();
    }
}
