using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Memlens.Cli.Commands;

internal static class Output
{
    /// <summary>Large JSON goes straight to stdout's bytes when there is a real stdout; tests get text.</summary>
    public static void WriteJson<T>(CliConsole console, T value, JsonTypeInfo<T> type)
    {
        var raw = console.OpenRawOut();
        if (raw is null)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(value, type));
            return;
        }
        console.Out.Flush();
        using var buffered = new BufferedStream(raw, 1 << 16);
        // Through a Utf8JsonWriter the source generator's direct writing code serves, without read metadata.
        using (var writer = new Utf8JsonWriter(buffered)) JsonSerializer.Serialize(writer, value, type);
        buffered.WriteByte((byte)'\n');
    }
}
