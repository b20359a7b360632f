using System.Text.Json;

namespace Memlens.Formats.Metrics;

/// <summary>expvar's /debug/vars: a JSON object whose "memstats" member is runtime.MemStats with Go's field names.</summary>
public static class ExpvarMemStats
{
    public const int MaxBytes = 16 << 20;

    public static GoMemStats Parse(string json, string source)
    {
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (json.Length > MaxBytes) return new GoMemStats(source, "expvar", fields, [$"larger than {MaxBytes >> 20} MiB; not read"]);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("memstats", out var m) || m.ValueKind != JsonValueKind.Object)
                return new GoMemStats(source, "expvar", fields, ["no \"memstats\" object: expvar's default memstats variable is not published"]);
            foreach (var p in m.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetUInt64(out ulong n)) fields[p.Name] = n;
            return new GoMemStats(source, "expvar", fields, []);
        }
        catch (JsonException e)
        {
            return new GoMemStats(source, "expvar", fields, [$"not valid JSON ({e.Message.Split('.')[0]})"]);
        }
    }
}
