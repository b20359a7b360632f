using System.Text.Json;
using System.Text.Json.Serialization;
using Memlens.Core.Model;
using Memlens.Reporting.Model;

namespace Memlens.Reporting.Json;

/// <summary>
/// Writes the per-mapping rows straight from the analysed regions: no row object, no hex string per mapping. The
/// bytes are those the generated serializer writes for <see cref="RegionRow"/> (the expected-output tests compare
/// them), so the contract in docs/json.md is unchanged; reading goes through the generated code.
/// </summary>
public sealed class RegionRowsJsonConverter : JsonConverter<IReadOnlyList<RegionRow>>
{
    private static readonly JsonEncodedText Start = JsonEncodedText.Encode("start"), End = JsonEncodedText.Encode("end"),
        Perms = JsonEncodedText.Encode("perms"), Offset = JsonEncodedText.Encode("offset"), Device = JsonEncodedText.Encode("device"),
        Inode = JsonEncodedText.Encode("inode"), Path = JsonEncodedText.Encode("path"), Kind = JsonEncodedText.Encode("kind"),
        Owner = JsonEncodedText.Encode("owner"), Detail = JsonEncodedText.Encode("detail"), Evidence = JsonEncodedText.Encode("evidence"),
        VmFlags = JsonEncodedText.Encode("vmFlags"), Numbers = JsonEncodedText.Encode("numbers"), Confidence = JsonEncodedText.Encode("confidence"),
        Hint = JsonEncodedText.Encode("hint"), Regions = JsonEncodedText.Encode("regions"), Virtual = JsonEncodedText.Encode("virtual"),
        ReservedOnly = JsonEncodedText.Encode("reservedOnly"), Committed = JsonEncodedText.Encode("committed"), Rss = JsonEncodedText.Encode("rss"),
        Pss = JsonEncodedText.Encode("pss"), Private = JsonEncodedText.Encode("private"), Shared = JsonEncodedText.Encode("shared"),
        Swap = JsonEncodedText.Encode("swap"), Anonymous = JsonEncodedText.Encode("anonymous"), Dirty = JsonEncodedText.Encode("dirty");

    public override IReadOnlyList<RegionRow>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, ReportJsonContext.Default.IReadOnlyListRegionRow);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<RegionRow> value, JsonSerializerOptions options)
    {
        var strings = new EncodedStrings(options.Encoder);
        writer.WriteStartArray();
        if (value is RegionRows rows && !writer.Options.Indented)
        {
            var row = new CompactRow(strings);
            foreach (var r in rows.Regions) row.Write(writer, r);
        }
        else if (value is RegionRows indented)
            foreach (var r in indented.Regions) WriteRegion(writer, r, strings);
        else
            foreach (var row in value) WriteRow(writer, row, strings);
        writer.WriteEndArray();
    }

    private static void WriteRegion(Utf8JsonWriter w, Region r, EncodedStrings strings)
    {
        var a = r.Attribution!;
        Span<char> hex = stackalloc char[16];
        w.WriteStartObject();
        r.Start.TryFormat(hex, out int n, "x", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(Start, hex[..n]);
        r.End.TryFormat(hex, out n, "x", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(End, hex[..n]);
        WriteRest(w, strings, r.Map.Perms, r.Map.Offset, r.Map.Device, r.Map.Inode, r.Map.Path, a.Kind, a.Owner.Label, a.Detail, a.Evidence,
            r.Counters?.VmFlags, r.Figures, ReportBuilder.Word(a.Confidence == Core.Model.Confidence.Inferred), a.Hint);
    }

    private static void WriteRow(Utf8JsonWriter w, RegionRow row, EncodedStrings strings)
    {
        w.WriteStartObject();
        w.WriteString(Start, row.Start);
        w.WriteString(End, row.End);
        WriteRest(w, strings, row.Perms, row.Offset, row.Device, row.Inode, row.Path, row.Kind, row.Owner, row.Detail, row.Evidence,
            row.VmFlags, row.Numbers, row.Confidence, row.Hint);
    }

    private static void WriteRest(Utf8JsonWriter w, EncodedStrings strings, string perms, ulong offset, string device, ulong inode, string path, string kind,
        string owner, string detail, string evidence, string? vmFlags, Figures f, string confidence, string? hint)
    {
        strings.Write(w, Perms, perms);
        w.WriteNumber(Offset, offset);
        strings.Write(w, Device, device);
        w.WriteNumber(Inode, inode);
        strings.Write(w, Path, path);
        strings.Write(w, Kind, kind);
        strings.Write(w, Owner, owner);
        strings.Write(w, Detail, detail);
        strings.Write(w, Evidence, evidence);
        strings.Write(w, VmFlags, vmFlags);
        w.WritePropertyName(Numbers);
        w.WriteStartObject();
        w.WriteNumber(Regions, f.Regions);
        w.WriteNumber(Virtual, f.Virtual);
        w.WriteNumber(ReservedOnly, f.ReservedOnly);
        w.WriteNumber(Committed, f.Committed);
        Number(w, Rss, f.Rss);
        Number(w, Pss, f.Pss);
        Number(w, Private, f.Private);
        Number(w, Shared, f.Shared);
        Number(w, Swap, f.Swap);
        Number(w, Anonymous, f.Anonymous);
        Number(w, Dirty, f.Dirty);
        w.WriteEndObject();
        strings.Write(w, Confidence, confidence);
        strings.Write(w, Hint, hint);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, JsonEncodedText name, ulong? value)
    {
        if (value is ulong v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    /// <summary>
    /// The strings mappings repeat (perms, devices, paths, owners, evidence: shared objects, not copies) escaped and
    /// encoded once each, so writing them again is a copy. Bounded: past the cap, strings are written as they come.
    /// </summary>
    private sealed class EncodedStrings(System.Text.Encodings.Web.JavaScriptEncoder? encoder)
    {
        private const int Cap = 16_384;
        private readonly Dictionary<string, JsonEncodedText> _known = new(ReferenceEqualityComparer.Instance);

        public void Write(Utf8JsonWriter w, JsonEncodedText name, string? value)
        {
            if (value is null) w.WriteNull(name);
            else w.WriteString(name, Encoded(value));
        }

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
    /// the same bytes as the property-by-property path, with strings escaped by the same encoder.
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
