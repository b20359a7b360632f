using System.Text.Json;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>Writes and reads the report as JSON (docs/json.md).</summary>
public static class JsonReportWriter
{
    private static readonly JsonSerializerOptions Options = new(ReportJsonContext.Default.Options)
    {
        // Paths and owner names are text, not HTML: keep them readable ("→", "'") rather than \u-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ReportJsonContext.Default,
    };

    public static void Write(Report report, Stream output) =>
        JsonSerializer.Serialize(output, report, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Report>)Options.GetTypeInfo(typeof(Report)));

    public static string Write(Report report) =>
        JsonSerializer.Serialize(report, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Report>)Options.GetTypeInfo(typeof(Report)));

    public static void WriteRegions(IReadOnlyList<RegionRow> regions, Stream output) =>
        JsonSerializer.Serialize(output, regions, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<RegionRow>>)Options.GetTypeInfo(typeof(IReadOnlyList<RegionRow>)));

    public static Report? Read(string json) =>
        JsonSerializer.Deserialize(json, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Report>)Options.GetTypeInfo(typeof(Report)));
}
