namespace Memlens.Reporting.Terminal;

/// <summary>
/// How the terminal view is laid out. On a terminal, its width decides which columns show and how long names are
/// middle-elided; a file or a pipe gets every column and every name whole (<see cref="Width"/> null). Colour only
/// where asked for: a terminal by default, never a file, and never with NO_COLOR.
/// </summary>
/// <param name="Width">the columns to fit; null for a file or a pipe: nothing is dropped or cut.</param>
/// <param name="Wide">every column, whatever the width (`--wide`); long names are still cut to fit.</param>
/// <param name="Color">ANSI colour by kind, and for a check that does not hold.</param>
public sealed record TerminalLayout(int? Width = null, bool Wide = false, bool Color = false)
{
    /// <summary>A file or a pipe: every column, names whole, no colour.</summary>
    public static readonly TerminalLayout Plain = new();

    /// <summary>Below this, a terminal is taken to be this wide: a table cannot be made readable in fewer columns.</summary>
    public const int Narrowest = 40;

    /// <summary>Where paragraphs wrap in a file or a pipe.</summary>
    public const int FileWidth = 100;

    /// <summary>Where paragraphs wrap: the terminal's width, or <see cref="FileWidth"/> in a file.</summary>
    public int TextWidth => Width is int w ? Math.Max(Narrowest, w) : FileWidth;

    /// <summary>The width a table must fit in, or null when it may be as wide as its contents.</summary>
    public int? TableWidth => Width is int w ? Math.Max(Narrowest, w) : null;
}
