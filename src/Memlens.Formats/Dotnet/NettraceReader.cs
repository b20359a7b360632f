using System.Buffers.Binary;
using System.Text;

namespace Memlens.Formats.Dotnet;

/// <summary>One event of a nettrace stream, its payload decoded by the field list its metadata gave.</summary>
public sealed record NettraceEvent(string Provider, string Name, IReadOnlyList<NettraceField> Fields)
{
    public object? this[string name] => Fields.FirstOrDefault(f => f.Name == name)?.Value;

    /// <summary>A nested object by name, at the top or inside an unnamed wrapper (TraceLogging events wrap their payload).</summary>
    public IReadOnlyList<NettraceField>? Object(string name) => Find(Fields, name, 0);

    private static IReadOnlyList<NettraceField>? Find(IReadOnlyList<NettraceField> fields, string name, int depth)
    {
        foreach (var f in fields)
            if (f.Value is IReadOnlyList<NettraceField> nested)
            {
                if (f.Name == name) return nested;
                if (depth < 2 && Find(nested, name, depth + 1) is { } found) return found;
            }
        return null;
    }
}

/// <summary>A payload field: long, ulong, double, bool, string, or a nested list of fields (TypeCode Object).</summary>
public sealed record NettraceField(string Name, object? Value);

/// <summary>The stream is not a nettrace stream this reader understands, or it is cut short.</summary>
public sealed class NettraceFormatException(string message) : Exception(message);

/// <summary>
/// Reads EventPipe's nettrace stream (format V4/V5, as the .NET runtime writes it to a diagnostic-port session): the
/// "Nettrace" magic and FastSerialization header, the Trace object, then MetadataBlock and EventBlock objects until
/// the NullReference tag (perfview's NetTraceFormat_v5.md). Only what the metadata describes field by field (V1
/// field lists: EventSource events, EventCounters) is decoded; stacks and sequence points are skipped. Every size is
/// bounded: the stream comes from another process.
/// </summary>
public sealed class NettraceReader(Stream stream)
{
    public const int MaxBlockBytes = 16 << 20;
    private const int MaxNesting = 8;
    private const byte NullReference = 1, BeginPrivateObject = 5, EndObject = 6;
    private const int TypeObject = 1, TypeBoolean = 3, TypeChar = 4, TypeSByte = 5, TypeByte = 6, TypeInt16 = 7, TypeUInt16 = 8,
        TypeInt32 = 9, TypeUInt32 = 10, TypeInt64 = 11, TypeUInt64 = 12, TypeSingle = 13, TypeDouble = 14, TypeDecimal = 15,
        TypeDateTime = 16, TypeGuid = 17, TypeString = 18;

    private readonly Dictionary<int, EventMetadata> _metadata = [];
    private long _position;   // from the first byte of the magic: blocks are 4-byte aligned to it

    private sealed record EventMetadata(string Provider, string Name, IReadOnlyList<FieldShape>? Fields);
    private sealed record FieldShape(string Name, int TypeCode, IReadOnlyList<FieldShape>? Nested);

    /// <summary>The events in stream order, read as they arrive; ends at the stream's end tag.</summary>
    public IEnumerable<NettraceEvent> Events()
    {
        ExpectBytes("Nettrace"u8, "no \"Nettrace\" magic");
        if (ReadInt32() != 20) throw new NettraceFormatException("no FastSerialization header");
        ExpectBytes("!FastSerialization.1"u8, "no FastSerialization header");
        ExpectTag(BeginPrivateObject);
        if (ReadObjectType() != "Trace") throw new NettraceFormatException("the first object is not the Trace object");
        Skip(16 + 8 + 8 + 4 + 4 + 4 + 4);     // SyncTimeUTC, SyncTimeQPC, QPCFrequency, PointerSize, ProcessId, processors, sampling rate
        ExpectTag(EndObject);
        while (true)
        {
            byte tag = ReadByte();
            if (tag == NullReference) yield break;
            if (tag != BeginPrivateObject) throw new NettraceFormatException($"byte {_position - 1}: tag {tag} where an object begins");
            string type = ReadObjectType();
            int size = ReadInt32();
            if (size < 0 || size > MaxBlockBytes) throw new NettraceFormatException($"byte {_position - 4}: a {type} of {size} bytes");
            while (_position % 4 != 0) ReadByte();
            byte[] block = ReadBytes(size);
            ExpectTag(EndObject);
            if (type == "MetadataBlock")
                foreach (var (_, payload) in Blobs(block)) AddMetadata(payload);
            else if (type == "EventBlock")
                foreach (var (id, payload) in Blobs(block))
                    if (_metadata.TryGetValue(id, out var m) && m.Fields is not null && Decode(payload, m.Fields) is { } fields)
                        yield return new NettraceEvent(m.Provider, m.Name, fields);
        }
    }

    /// <summary>The (metadata id, payload) of each event blob in a block, its headers compressed or not.</summary>
    private static List<(int Id, byte[] Payload)> Blobs(byte[] block)
    {
        var blobs = new List<(int, byte[])>();
        if (block.Length < 4) throw new NettraceFormatException("a block shorter than its header");
        int headerSize = BinaryPrimitives.ReadInt16LittleEndian(block), flags = BinaryPrimitives.ReadInt16LittleEndian(block.AsSpan(2));
        if (headerSize < 4 || headerSize > block.Length) throw new NettraceFormatException("a block header larger than its block");
        var r = new SpanCursor(block, headerSize);
        int id = 0, payloadSize = 0;
        while (r.Offset < block.Length)
        {
            if ((flags & 1) != 0)
            {
                byte f = r.Byte();
                if ((f & 1) != 0) id = (int)r.VarUInt();
                if ((f & 2) != 0) { r.VarUInt(); r.VarUInt(); r.VarUInt(); }   // sequence number delta, capture thread, processor
                if ((f & 4) != 0) r.VarUInt();                                  // thread id
                if ((f & 8) != 0) r.VarUInt();                                  // stack id
                r.VarUInt();                                                    // timestamp delta
                if ((f & 16) != 0) r.Skip(16);                                  // activity id
                if ((f & 32) != 0) r.Skip(16);                                  // related activity id
                if ((f & 128) != 0) payloadSize = r.VarUInt() is ulong size and <= MaxBlockBytes ? (int)size : throw new NettraceFormatException("an event larger than its block");
                blobs.Add((id, r.Bytes(payloadSize)));
            }
            else
            {
                r.Skip(4);                                                       // event size
                id = r.Int32() & 0x7FFFFFFF;
                r.Skip(4 + 8 + 8 + 4 + 4 + 8 + 16 + 16);                         // sequence, threads, processor, stack, time, activities
                payloadSize = r.Int32();
                blobs.Add((id, r.Bytes(payloadSize)));
                r.Align4();
            }
        }
        return blobs;
    }

    private void AddMetadata(byte[] payload)
    {
        var r = new SpanCursor(payload, 0);
        int id = r.Int32();
        string provider = r.Utf16();
        r.Skip(4);                              // event id
        string name = r.Utf16();
        r.Skip(8 + 4 + 4);                      // keywords, version, level
        IReadOnlyList<FieldShape>? fields = r.Offset + 4 <= payload.Length ? Shapes(ref r, 0) : [];
        // A V2 field list (arrays) follows in a tag, with an empty V1 list: such events are not decoded.
        while (r.Offset + 5 <= payload.Length)
        {
            int tagBytes = r.Int32();
            byte kind = r.Byte();
            if (kind == 2) fields = null;
            r.Skip(tagBytes);
        }
        _metadata[id] = new EventMetadata(provider, name.Length > 0 ? name : provider, fields);
    }

    private static List<FieldShape> Shapes(ref SpanCursor r, int depth)
    {
        if (depth > MaxNesting) throw new NettraceFormatException("event metadata nested too deep");
        int count = r.Int32();
        if (count < 0 || count > 1024) throw new NettraceFormatException($"event metadata with {count} fields");
        var shapes = new List<FieldShape>(count);
        for (int i = 0; i < count; i++)
        {
            int type = r.Int32();
            var nested = type == TypeObject ? Shapes(ref r, depth + 1) : null;
            shapes.Add(new FieldShape(r.Utf16(), type, nested));
        }
        return shapes;
    }

    /// <summary>The payload by its shapes, or null when a type is one this reader does not size.</summary>
    private static List<NettraceField>? Decode(byte[] payload, IReadOnlyList<FieldShape> shapes)
    {
        var r = new SpanCursor(payload, 0);
        return Fields(ref r, shapes);
    }

    private static List<NettraceField>? Fields(ref SpanCursor r, IReadOnlyList<FieldShape> shapes)
    {
        var fields = new List<NettraceField>(shapes.Count);
        foreach (var s in shapes)
        {
            object? value = s.TypeCode switch
            {
                TypeObject => Fields(ref r, s.Nested!),
                TypeBoolean => r.Int32() != 0,
                TypeChar or TypeInt16 => (long)(short)r.UInt(2),
                TypeUInt16 => (long)r.UInt(2),
                TypeSByte => (long)(sbyte)r.Byte(),
                TypeByte => (long)r.Byte(),
                TypeInt32 => (long)r.Int32(),
                TypeUInt32 => (long)r.UInt(4),
                TypeInt64 => (long)r.UInt(8),
                TypeUInt64 or TypeDateTime => r.UInt(8),
                TypeSingle => (double)BitConverter.Int32BitsToSingle((int)r.UInt(4)),
                TypeDouble => BitConverter.Int64BitsToDouble((long)r.UInt(8)),
                TypeDecimal or TypeGuid => r.Skipped(16),
                TypeString => r.Utf16(),
                _ => Unsized.Value,
            };
            if (value is Unsized || (s.TypeCode == TypeObject && value is null)) return null;
            fields.Add(new NettraceField(s.Name, value));
        }
        return fields;
    }

    private sealed class Unsized { public static readonly Unsized Value = new(); }

    private string ReadObjectType()
    {
        ExpectTag(BeginPrivateObject);
        ExpectTag(NullReference);
        Skip(8);                                // version, minimum reader version
        int length = ReadInt32();
        if (length is < 0 or > 64) throw new NettraceFormatException($"byte {_position - 4}: a type name of {length} bytes");
        string name = Encoding.UTF8.GetString(ReadBytes(length));
        ExpectTag(EndObject);
        return name;
    }

    private void ExpectTag(byte tag)
    {
        byte b = ReadByte();
        if (b != tag) throw new NettraceFormatException($"byte {_position - 1}: tag {b} where {tag} was expected");
    }

    private void ExpectBytes(ReadOnlySpan<byte> expected, string problem)
    {
        if (!ReadBytes(expected.Length).AsSpan().SequenceEqual(expected)) throw new NettraceFormatException(problem);
    }

    private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

    private byte ReadByte() => ReadBytes(1)[0];

    private void Skip(int n) => ReadBytes(n);

    private byte[] ReadBytes(int n)
    {
        var buffer = new byte[n];
        int read = 0;
        while (read < n)
        {
            int got = stream.Read(buffer, read, n - read);
            if (got == 0) throw new NettraceFormatException($"the stream ends at byte {_position + read}, inside an object");
            read += got;
        }
        _position += n;
        return buffer;
    }

    /// <summary>A bounds-checked cursor over one block or payload.</summary>
    private ref struct SpanCursor(byte[] bytes, int offset)
    {
        private readonly byte[] _bytes = bytes;
        public int Offset { get; private set; } = offset;

        private readonly ReadOnlySpan<byte> Take(int n, int at)
        {
            if (n < 0 || at + n > _bytes.Length) throw new NettraceFormatException($"a field runs past the end of its block ({n} bytes at {at} of {_bytes.Length})");
            return _bytes.AsSpan(at, n);
        }

        public byte Byte() { byte b = Take(1, Offset)[0]; Offset++; return b; }
        public int Int32() { int v = BinaryPrimitives.ReadInt32LittleEndian(Take(4, Offset)); Offset += 4; return v; }
        public ulong UInt(int n)
        {
            var s = Take(n, Offset);
            Offset += n;
            ulong v = 0;
            for (int i = n - 1; i >= 0; i--) v = (v << 8) | s[i];
            return v;
        }
        public void Skip(int n) { Take(n, Offset); Offset += n; }
        public object? Skipped(int n) { Skip(n); return null; }
        public byte[] Bytes(int n) { var b = Take(n, Offset).ToArray(); Offset += n; return b; }
        public void Align4() { while (Offset % 4 != 0 && Offset < _bytes.Length) Offset++; }

        public ulong VarUInt()
        {
            ulong v = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = Byte();
                v |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new NettraceFormatException("a variable-length number longer than 10 bytes");
        }

        public string Utf16()
        {
            int start = Offset;
            while (true)
            {
                var pair = Take(2, Offset);
                Offset += 2;
                if (pair[0] == 0 && pair[1] == 0) break;
                if (Offset - start > 64 * 1024) throw new NettraceFormatException("a string longer than 32,768 characters");
            }
            return Encoding.Unicode.GetString(_bytes, start, Offset - start - 2);
        }
    }
}
