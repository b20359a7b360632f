using System.Text.Json.Serialization;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>
/// Source-generated serialization: no reflection, camelCase names, invariant numbers by construction. Used with its
/// own options only, so the generator's fast path (straight Utf8JsonWriter code) serves large reports.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Report))]
[JsonSerializable(typeof(IReadOnlyList<RegionRow>))]
[JsonSerializable(typeof(GoReport))]
[JsonSerializable(typeof(Memlens.Core.Runtimes.Jvm.JvmRuntimeSection))]
[JsonSerializable(typeof(Memlens.Core.Runtimes.Dotnet.DotnetRuntimeSection))]
[JsonSerializable(typeof(StraceReport))]
[JsonSerializable(typeof(ThreadsReport))]
[JsonSerializable(typeof(DiffReport))]
[JsonSerializable(typeof(CgroupReport))]
[JsonSerializable(typeof(WatchSample))]
[JsonSerializable(typeof(ElfReport))]
[JsonSerializable(typeof(ExplainReport))]
[JsonSerializable(typeof(CaptureReport))]
[JsonSerializable(typeof(TopReport))]   // for its schema; top itself writes through TopJsonContext
[JsonSerializable(typeof(Memlens.Core.History.HistoryReport))]   // for its schema; history writes through HistoryJsonContext
[JsonSerializable(typeof(Memlens.Core.History.HistoryIndex))]
public sealed partial class ReportJsonContext : JsonSerializerContext;

/// <summary>
/// `top` alone, serialization only: `top` runs often and briefly, and a context that also builds the metadata for
/// reading costs tens of milliseconds at its first use (measured in docs/bench.md).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(TopReport))]
public sealed partial class TopJsonContext : JsonSerializerContext;

/// <summary>
/// Writing a report: the same contract, with the per-mapping rows written straight from the regions
/// (<see cref="RegionRowsJsonConverter"/>). Reading and the schema use <see cref="ReportJsonContext"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, Converters = [typeof(RegionRowsJsonConverter)])]
[JsonSerializable(typeof(Report))]
[JsonSerializable(typeof(IReadOnlyList<RegionRow>))]
public sealed partial class ReportWriteJsonContext : JsonSerializerContext;

/// <summary>The same contract, indented: for expected-output files that people review.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, Converters = [typeof(RegionRowsJsonConverter)])]
[JsonSerializable(typeof(Report))]
public sealed partial class IndentedReportJsonContext : JsonSerializerContext;

/// <summary>`memlens history --json`: owners' trends and their verdicts (docs/history.md).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(Memlens.Core.History.HistoryReport))]
[JsonSerializable(typeof(Memlens.Core.History.HistoryIndex))]
public sealed partial class HistoryJsonContext : JsonSerializerContext;
