using System.Text.Json;
using System.Text.Json.Serialization;
using Memlens.Core.Model;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>
/// Writes compact per-mapping rows straight from the analysed regions: no row object, no hex string per mapping. The
/// bytes are those the generated serializer writes for <see cref="RegionRow"/> (ExpectedOutputTests compares them),
/// so the contract in docs/json.md is unchanged; indented output and reading go through the generated code.
/// </summary>
public sealed class RegionRowsJsonConverter : JsonConverter<IReadOnlyList<RegionRow>>
{
    public override IReadOnlyList<RegionRow>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, ReportJsonContext.Default.IReadOnlyListRegionRow);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<RegionRow> value, JsonSerializerOptions options)
    {
        if (value is not RegionRows rows || writer.Options.Indented)
        {
            // Rows already made, or indented output (files people review): the generated serializer itself.
            JsonSerializer.Serialize(writer, value, ReportJsonContext.Default.IReadOnlyListRegionRow);
            return;
        }
        var row = new CompactRow(new EncodedStrings(options.Encoder));
        writer.WriteStartArray();
        foreach (var r in rows.Regions) row.Write(writer, r);
        writer.WriteEndArray();
    }

    /// <summary>
    /// The strings mappings repeat (perms, devices, paths, owners, evidence: shared objects, not copies) escaped and
    /// encoded once each, so writing them again is a copy. Bounded: past the cap, strings are written as they come.
    /// </summary>
    private sealed class EncodedStrings(System.Text.Encodings.Web.JavaScriptEncoder? encoder)
    {
        private const int Cap = 16_384;
        private readonly Dictionary<string, JsonEncodedText> _known = new(ReferenceEqualityComparer.Instance);

        /// <summary>The string escaped as the writer would escape it, as UTF-8 without quotes.</summary>
        public JsonEncodedText Encoded(string value)
        {
            if (_known.TryGetValue(value, out var encoded)) return encoded;
            encoded = JsonEncodedText.Encode(value, encoder);
            if (_known.Count < Cap) _known[value] = encoded;
            return encoded;
        }
    }

    /// <summary>
    /// One mapping's object as UTF-8, built in a buffer and handed to the writer whole (one call instead of forty):
    /// the generated serializer's bytes, with strings escaped by the same encoder.
    /// </summary>
    private sealed class CompactRow(EncodedStrings strings)
    {
        private const int MaxFragments = 16_384;
        private readonly Dictionary<Attribution, byte[]> _attributed = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Attribution, byte[]> _closing = new(ReferenceEqualityComparer.Instance);
        private byte[] _buffer = new byte[4096];
        private int _used;

        public void Write(Utf8JsonWriter w, Region r)
        {
            var a = r.Attribution!;
            var m = r.Map;
            var f = r.Figures;
            _used = 0;
            Raw("{\"start\":\""u8); Hex(r.Start); Raw("\",\"end\":\""u8); Hex(r.End); Raw("\""u8);
            Raw(",\"perms\":"u8); Text(m.Perms);
            Raw(",\"offset\":"u8); Number(m.Offset);
            Raw(",\"device\":"u8); Text(m.Device);
            Raw(",\"inode\":"u8); Number(m.Inode);
            Raw(",\"path\":"u8); Text(m.Path);
            Raw(Attributed(a));
            Raw(",\"vmFlags\":"u8); Text(r.Counters?.VmFlags);
            Raw(",\"numbers\":{\"regions\":"u8); Number((ulong)f.Regions);
            Raw(",\"virtual\":"u8); Number(f.Virtual);
            Raw(",\"reservedOnly\":"u8); Number(f.ReservedOnly);
            Raw(",\"committed\":"u8); Number(f.Committed);
            Raw(",\"rss\":"u8); Number(f.Rss);
            Raw(",\"pss\":"u8); Number(f.Pss);
            Raw(",\"private\":"u8); Number(f.Private);
            Raw(",\"shared\":"u8); Number(f.Shared);
            Raw(",\"swap\":"u8); Number(f.Swap);
            Raw(",\"anonymous\":"u8); Number(f.Anonymous);
            Raw(",\"dirty\":"u8); Number(f.Dirty);
            Raw(Closing(a));
            w.WriteRawValue(_buffer.AsSpan(0, _used), skipInputValidation: true);
        }

        /// <summary>kind, owner, detail and evidence, made once per attribution (leftover mappings share one).</summary>
        private byte[] Attributed(Attribution a)
        {
            if (_attributed.TryGetValue(a, out var known)) return known;
            int start = _used;
            Raw(",\"kind\":"u8); Text(a.Kind);
            Raw(",\"owner\":"u8); Text(a.Owner.Label);
            Raw(",\"detail\":"u8); Text(a.Detail);
            Raw(",\"evidence\":"u8); Text(a.Evidence);
            return Keep(_attributed, a, start);
        }

        /// <summary>The end of the numbers, confidence and hint, made once per attribution.</summary>
        private byte[] Closing(Attribution a)
        {
            if (_closing.TryGetValue(a, out var known)) return known;
            int start = _used;
            Raw("},\"confidence\":"u8); Text(ReportBuilder.Word(a.Confidence == Core.Model.Confidence.Inferred));
            Raw(",\"hint\":"u8); Text(a.Hint);
            Raw("}"u8);
            return Keep(_closing, a, start);
        }

        /// <summary>Takes back what was just written from <paramref name="start"/> as a fragment, kept while there is room.</summary>
        private byte[] Keep(Dictionary<Attribution, byte[]> cache, Attribution a, int start)
        {
            var bytes = _buffer.AsSpan(start, _used - start).ToArray();
            _used = start;
            if (cache.Count < MaxFragments) cache[a] = bytes;
            return bytes;
        }

        private Span<byte> Room(int bytes)
        {
            if (_buffer.Length - _used < bytes) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + bytes));
            return _buffer.AsSpan(_used);
        }

        private void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Room(bytes.Length));
            _used += bytes.Length;
        }

        // Utf8Formatter: no culture to consult, for fifteen numbers a mapping.
        private static readonly System.Buffers.StandardFormat LowerHex = new('x');

        private void Hex(ulong value)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(value, Room(16), out int n, LowerHex);
            _used += n;
        }

        private void Number(ulong? value)
        {
            if (value is not ulong v) { Raw("null"u8); return; }
            System.Buffers.Text.Utf8Formatter.TryFormat(v, Room(20), out int n);
            _used += n;
        }

        private void Text(string? value)
        {
            if (value is null) { Raw("null"u8); return; }
            var bytes = strings.Encoded(value).EncodedUtf8Bytes;
            var room = Room(bytes.Length + 2);
            room[0] = (byte)'"';
            bytes.CopyTo(room[1..]);
            room[bytes.Length + 1] = (byte)'"';
            _used += bytes.Length + 2;
        }
    }
}
