namespace Memlens.Cli;

/// <summary>Where a command writes: the real console, or a test's buffers.</summary>
/// <param name="errorIsTerminal">stderr is a terminal: long reads show their progress there (never in a file or pipe).</param>
public sealed class CliConsole(TextWriter @out, TextWriter error, Func<Stream>? openRawOut = null, TextReader? @in = null, bool errorIsTerminal = false)
{
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

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
            Console.Error, Console.OpenStandardOutput, Console.In, !Console.IsErrorRedirected);
}
