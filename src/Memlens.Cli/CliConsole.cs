namespace Memlens.Cli;

/// <summary>Where a command writes: the real console, or a test's buffers.</summary>
/// <param name="errorIsTerminal">stderr is a terminal: long reads show their progress there (never in a file or pipe).</param>
/// <param name="outWidth">the width of the terminal standard output is, or null when it is a file or a pipe.</param>
public sealed class CliConsole(TextWriter @out, TextWriter error, Func<Stream>? openRawOut = null, TextReader? @in = null, bool errorIsTerminal = false,
    int? outWidth = null)
{
    public bool ErrorIsTerminal { get; } = errorIsTerminal;
    /// <summary>The columns of the terminal standard output is, or null for a file or a pipe.</summary>
    public int? OutWidth { get; } = outWidth;

    public TextWriter Out { get; } = @out;
    public TextWriter Error { get; } = error;
    /// <summary>Where `memlens report -` reads pasted /proc text from.</summary>
    public TextReader In { get; } = @in ?? TextReader.Null;

    /// <summary>A byte stream for large machine output (JSON) where the console allows it; else the text writer.</summary>
    public Stream? OpenRawOut() => openRawOut?.Invoke();

    /// <summary>
    /// The process's console. Standard output is buffered (Console.Out writes through at every line: a system call per
    /// line of a report); commands flush where a person waits for the output (each sweep, each sample) and at exit.
    /// </summary>
    public static CliConsole System() =>
        new(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false },
            Console.Error, Console.OpenStandardOutput, Console.In, !Console.IsErrorRedirected, Console.IsOutputRedirected ? null : TerminalWidth());

    /// <summary>COLUMNS when set (a resized shell, or a user's choice), else what the terminal says, else 80.</summary>
    private static int TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns > 0) return columns;
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
