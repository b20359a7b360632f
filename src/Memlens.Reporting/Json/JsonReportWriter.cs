using System.Text.Json;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>Writes and reads the report as JSON (docs/json.md): compact by default, indented on request.</summary>
public static class JsonReportWriter
{
    public static string Write(Report report) => JsonSerializer.Serialize(report, ReportWriteJsonContext.Default.Report);

    public static string WriteIndented(Report report) => JsonSerializer.Serialize(report, IndentedReportJsonContext.Default.Report);

    public static Report? Read(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.Report);
}
