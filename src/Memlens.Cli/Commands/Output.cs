using Memlens.Reporting.Terminal;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Memlens.Core;
using Memlens.Core.Sources.Files;
using Memlens.Reporting.Exporters;

namespace Memlens.Cli.Commands;

/// <summary>Writes a command's report in the chosen format, to stdout or, with -o, to a file that appears whole or not at all.</summary>
internal static class Output
{
    public static ExporterSet<T> TextAndJson<T>(Func<JsonTypeInfo<T>> json, Action<T, TextWriter> text) => new(new TextExporter<T>(text), new JsonExporter<T>(json));

    /// <summary>Text, JSON, and a self-contained HTML page.</summary>
    public static ExporterSet<T> TextJsonAndHtml<T>(Func<JsonTypeInfo<T>> json, Action<T, TextWriter> text, Action<T, TextWriter> html) =>
        new(new TextExporter<T>(text), new JsonExporter<T>(json), new TextExporter<T>(html, "html"));

    /// <summary>Text, JSON, and CSV for a spreadsheet.</summary>
    public static ExporterSet<T> TextJsonAndCsv<T>(Func<JsonTypeInfo<T>> json, Action<T, TextWriter> text, Action<T, TextWriter> csv, Action<T, TextWriter>? html = null) =>
        html is null ? new(new TextExporter<T>(text), new JsonExporter<T>(json), new TextExporter<T>(csv, "csv"))
            : new(new TextExporter<T>(text), new JsonExporter<T>(json), new TextExporter<T>(csv, "csv"), new TextExporter<T>(html, "html"));

    /// <summary>
    /// How text is laid out: fitted to the terminal standard output is (unless --wide), whole in a file or a pipe or
    /// with -o; coloured on a terminal unless NO_COLOR is set or --color says otherwise.
    /// </summary>
    public static TerminalLayout Layout(CliConsole console, ParseResult parse) =>
        LayoutChoice.Resolve(parse.GetValue(CommonOptions.OutputFile) is not null ? null : console.OutWidth, parse.GetValue(CommonOptions.Wide),
            parse.GetValue(CommonOptions.Color) ?? "auto", Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM"));

    /// <summary>The format asked for: --json, else --format (text by default).</summary>
    public static string FormatOf(ParseResult parse) => parse.GetValue(CommonOptions.Json) ? "json" : parse.GetValue(CommonOptions.Format) ?? "text";

    public static int Emit<T>(CliConsole console, ParseResult parse, T report, ExporterSet<T> exporters)
    {
        string format = FormatOf(parse);
        var exporter = exporters.Find(format)
            ?? throw new MemlensException(ExitCode.Usage, $"--format {format}: this command writes {exporters.Names}");
        string? path = parse.GetValue(CommonOptions.OutputFile);
        if (path is not null)
        {
            WriteFile(path, stream => exporter.Write(report, stream));
            return 0;
        }
        ToStandardOutput(() =>
        {
            if (exporter is JsonExporter<T> json) WriteJson(console, report, json.Type);
            else if (exporter is TextExporter<T> text) text.Write(report, console.Out);
            else
            {
                console.Out.Flush();
                using var stdout = console.OpenRawOut() ?? throw new MemlensException(ExitCode.Usage, $"--format {format} needs -o FILE here");
                exporter.Write(report, stdout);
            }
            console.Out.Flush();
        });
        return 0;
    }

    /// <summary>Flushes what is buffered for standard output (at exit), as <see cref="ToStandardOutput"/>.</summary>
    public static void Flush(CliConsole console) => ToStandardOutput(console.Out.Flush);

    /// <summary>
    /// A write to standard output: a full disk or a read-only file behind the redirection is one line and exit 8
    /// (a <see cref="MemlensException"/>); a reader that left (a broken pipe) is an IOException the caller ends on.
    /// </summary>
    private static void ToStandardOutput(Action write)
    {
        try { write(); }
        catch (IOException e) when (!e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase))
        {
            throw new MemlensException(ExitCode.OutputFailed, $"standard output could not be written ({e.Message.TrimEnd('.')})");
        }
    }

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
        using (raw) JsonExporter<T>.WriteLine(value, type, raw);
    }

    /// <summary>
    /// Writes to a new, exclusively created file with an unguessable name beside <paramref name="path"/>, then renames
    /// it into place: a reader sees the old file or the whole new one. The directory must exist (none is created).
    /// </summary>
    public static void WriteFile(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new MemlensException(ExitCode.OutputFailed, $"-o {path}: the directory {dir} does not exist");
        if (Directory.Exists(full)) throw new MemlensException(ExitCode.OutputFailed, $"-o {path}: is a directory");
        TemporaryPaths.RemoveStale(dir);
        string temp = TemporaryPaths.NameBeside(full);
        TemporaryPaths.Register(temp);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            TemporaryPaths.ThrowIfInterrupted();
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            TemporaryPaths.Remove(temp);
            if (e is OperationCanceledException) throw;
            throw new MemlensException(ExitCode.OutputFailed, $"-o {path}: could not be written ({e.Message.TrimEnd('.')})");
        }
        finally
        {
            TemporaryPaths.Unregister(temp);
        }
    }
}
