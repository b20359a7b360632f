using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Memlens.Reporting.Exporters;

/// <summary>
/// Renders one report model in one format. Every output of a command is an exporter of its one model, so a number
/// cannot mean one thing in the terminal and another in JSON; HTML, CSV and Prometheus text plug in the same way.
/// </summary>
public interface IExporter<in T>
{
    /// <summary>The --format name: "text", "json".</summary>
    string Format { get; }
    void Write(T report, Stream output);
}

/// <summary>
/// The stable JSON of docs/json.md, through the source-generated serializer (one compact line). The serializer's
/// type information is made when JSON is asked for: making it costs a few milliseconds a text report does not pay.
/// </summary>
public sealed class JsonExporter<T>(Func<JsonTypeInfo<T>> type) : IExporter<T>
{
    private JsonTypeInfo<T>? _type;
    public string Format => "json";
    public JsonTypeInfo<T> Type => _type ??= type();

    public void Write(T report, Stream output) => WriteLine(report, Type, output);

    /// <summary>One JSON line, handed to <paramref name="output"/> in large chunks (see <see cref="Json.ChunkedStreamWriter"/>).</summary>
    public static void WriteLine(T value, JsonTypeInfo<T> type, Stream output)
    {
        using var chunks = new Json.ChunkedStreamWriter(output);
        using (var writer = new Utf8JsonWriter(chunks)) JsonSerializer.Serialize(writer, value, type);
        chunks.GetSpan(1)[0] = (byte)'\n';
        chunks.Advance(1);
    }
}

/// <summary>The terminal view (or another text format: "csv"), written as UTF-8 text.</summary>
public sealed class TextExporter<T>(Action<T, TextWriter> write, string format = "text") : IExporter<T>
{
    public string Format => format;

    public void Write(T report, Stream output)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(report, new Terminal.InertTextWriter(w));
    }

    /// <summary>Through <see cref="Terminal.InertTextWriter"/>: text that came from a target cannot drive the terminal.</summary>
    public void Write(T report, TextWriter w)
    {
        var inert = new Terminal.InertTextWriter(w);
        write(report, inert);
        inert.Flush();
    }
}

/// <summary>The formats one command offers, by name.</summary>
public sealed class ExporterSet<T>(params IExporter<T>[] exporters)
{
    public IReadOnlyList<IExporter<T>> All { get; } = exporters;
    public IExporter<T>? Find(string format) => All.FirstOrDefault(e => e.Format == format);
    public string Names => string.Join(", ", All.Select(e => e.Format));
}
