using System.Diagnostics;

namespace Memlens.Cli;

/// <summary>
/// "memlens: reading big.log… 45% (500 MB of 1.1 GB)" on one line of stderr, rewritten at most four times a second and
/// erased at the end: only when stderr is a terminal, so a file, a pipe or a test never sees it.
/// </summary>
/// <param name="quiet">nothing is shown for a read that ends within this (1 s by default).</param>
/// <param name="every">at most one update in this long (250 ms by default).</param>
public sealed class Progress(TextWriter error, string what, TimeSpan? quiet = null, TimeSpan? every = null)
{
    private readonly TimeSpan _quiet = quiet ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _every = every ?? TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.FromSeconds(-1);
    private bool _shown;

    /// <summary>A reporter of (bytes done, bytes in all) for <paramref name="what"/>, or null when stderr is not a terminal.</summary>
    public static Progress? For(CliConsole console, string what) => console.ErrorIsTerminal ? new Progress(console.Error, what) : null;

    public void Report(long done, long total)
    {
        if (_since.Elapsed < _quiet || (_shown && _since.Elapsed - _last < _every)) return;
        _last = _since.Elapsed;
        string amount = total > 0 ? $"{100.0 * done / total:0}% ({Size(done)} of {Size(total)})" : Size(done);
        error.Write($"\rmemlens: {what}… {amount}\u001b[K");
        error.Flush();
        _shown = true;
    }

    /// <summary>Erases the line, so the report starts on a clean one.</summary>
    public void Done()
    {
        if (!_shown) return;
        error.Write("\r\u001b[K");
        error.Flush();
    }

    private static string Size(long bytes) => Memlens.Core.Model.Bytes.Format((ulong)bytes);
}
