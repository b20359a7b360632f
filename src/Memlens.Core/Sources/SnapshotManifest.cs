using System.Text.Json.Serialization;
using Memlens.Core.Model;

namespace Memlens.Core.Sources;

/// <summary>
/// manifest.json, written by `memlens capture` beside the /proc copies: what the live analysis read from outside
/// /proc/PID (the ELF layout of every mapped file, the few allocator headers read from memory), so that the same
/// snapshot classifies the same way on another machine.
/// </summary>
public sealed record SnapshotManifest(
    string Format,
    string Memlens,
    DateTimeOffset CapturedAt,
    int Pid,
    IReadOnlyList<RecordedImage> Images,
    IReadOnlyList<RecordedProbe> Probes,
    IReadOnlyList<RecordedPageCounts>? Pages = null)
{
    public const string FormatVersion = "memlens.snapshot/1";
}

public sealed record RecordedImage(string Path, ulong Inode, string Device, ImageLayout? Layout, string? Problem);

public sealed record RecordedProbe(string Address, string Hex);

/// <summary>Page counts over [Start, End) (hex addresses) that the live analysis read from pagemap.</summary>
public sealed record RecordedPageCounts(string Start, string End, ulong Present, ulong Swapped, ulong Exclusive);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SnapshotManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
