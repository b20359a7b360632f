namespace Memlens.Cli.Commands;

internal static class Output
{
    /// <summary>Large JSON goes straight to stdout's bytes when there is a real stdout; tests get text.</summary>
    public static void WriteJson(CliConsole console, Action<Stream> toStream, Func<string> toText)
    {
        var raw = console.OpenRawOut();
        if (raw is null)
        {
            console.Out.WriteLine(toText());
            return;
        }
        console.Out.Flush();
        using var buffered = new BufferedStream(raw, 1 << 16);
        toStream(buffered);
        buffered.WriteByte((byte)'\n');
    }
}
