namespace Memlens.Reporting.Model;

/// <summary>`memlens elf` (docs/json.md, "elf"): the sections of a binary under the PT_LOAD that loads them, with the permissions each gets in maps.</summary>
public sealed record ElfReport(string Schema, string File, string Type, ushort Machine, string? Interpreter, ElfGoBuild? Go,
    IReadOnlyList<ElfSegmentRow> Segments, IReadOnlyList<ElfSectionRow> NotLoaded)
{
    public const string SchemaVersion = "memlens.elf/1";
}

public sealed record ElfGoBuild(string? Version, string? Path, string? Module, IReadOnlyDictionary<string, string> Settings);

/// <param name="Relro">PT_GNU_RELRO inside this writable segment: made read-only after relocation.</param>
public sealed record ElfSegmentRow(int Index, string MapsPerms, ulong VirtualAddress, ulong MemorySize, ulong FileSize, ulong Offset,
    ElfRange? Relro, IReadOnlyList<ElfSectionRow> Sections);

public sealed record ElfRange(ulong VirtualAddress, ulong MemorySize);

public sealed record ElfSectionRow(string Name, string Type, string Flags, ulong Address, ulong Offset, ulong Size);

/// <summary>`memlens explain`: one Go memory metric, its names, what it counts, its identity and what it leaves out.</summary>
/// <param name="Runtime">"go" (Field is a runtime.MemStats field; RuntimeMetric a runtime/metrics name) or "jvm" (Field is a
/// perf-data counter or an NMT category; RuntimeMetric the JMX attribute).</param>
public sealed record ExplainReport(string Schema, string Asked, string Field, string? PartOf, string? Prometheus, string? RuntimeMetric,
    string Counts, string Identity, string Excludes, string Runtime = "go")
{
    public const string SchemaVersion = "memlens.explain/1";

    /// <summary>The .NET API a .NET counter reads (null for Go and the JVM).</summary>
    public string? Api { get; init; }
}

/// <summary>`memlens capture`: where the snapshot went and what it holds.</summary>
public sealed record CaptureReport(string Schema, int Pid, string Name, string Path, int Files, long Bytes, IReadOnlyList<string> Warnings)
{
    public const string SchemaVersion = "memlens.capture/1";
}
