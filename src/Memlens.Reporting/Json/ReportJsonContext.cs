using System.Text.Json.Serialization;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>Source-generated serialization: no reflection, camelCase names, invariant numbers by construction.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Report))]
[JsonSerializable(typeof(IReadOnlyList<RegionRow>))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
