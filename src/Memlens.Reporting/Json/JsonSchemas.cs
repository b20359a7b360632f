using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Memlens.Reporting.Json;

/// <summary>
/// The JSON Schema of every output, generated from the serializer's own types (docs/schema/NAME.schema.json), so the
/// schema cannot drift from what memlens writes.
/// </summary>
public static class JsonSchemas
{
    public static IReadOnlyList<(string Name, JsonTypeInfo Type)> All { get; } =
    [
        ("report", ReportJsonContext.Default.Report),
        ("maps", ReportJsonContext.Default.IReadOnlyListRegionRow),
        ("go", ReportJsonContext.Default.GoReport),
        ("jvm", ReportJsonContext.Default.JvmRuntimeSection),
        ("dotnet", ReportJsonContext.Default.DotnetRuntimeSection),
        ("strace", ReportJsonContext.Default.StraceReport),
        ("threads", ReportJsonContext.Default.ThreadsReport),
        ("diff", ReportJsonContext.Default.DiffReport),
        ("cgroup", ReportJsonContext.Default.CgroupReport),
        ("watch", ReportJsonContext.Default.WatchSample),
        ("elf", ReportJsonContext.Default.ElfReport),
        ("explain", ReportJsonContext.Default.ExplainReport),
        ("capture", ReportJsonContext.Default.CaptureReport),
        ("top", ReportJsonContext.Default.TopReport),
        ("history", ReportJsonContext.Default.HistoryReport),
        ("history-index", ReportJsonContext.Default.HistoryIndex),
    ];

    private static readonly JsonSchemaExporterOptions Options = new() { TreatNullObliviousAsNonNullable = true };

    public static string Generate(JsonTypeInfo type)
    {
        var node = type.GetJsonSchemaAsNode(Options).AsObject();
        node.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
