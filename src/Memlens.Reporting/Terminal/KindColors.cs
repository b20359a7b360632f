using Memlens.Core.Model;

namespace Memlens.Reporting.Terminal;

/// <summary>
/// One colour per kind, the same in every view (docs/categories.md lists them): ANSI SGR parameters for the terminal
/// and the matching RGB for pictures.
/// </summary>
public static class KindColors
{
    private static readonly Dictionary<string, (string Sgr, string Rgb)> ByKind = new(StringComparer.Ordinal)
    {
        [Kinds.Image] = ("34", "#4e79a7"),           // blue: code and data of the executable and libraries
        [Kinds.NativeHeap] = ("33", "#f28e2b"),      // orange/yellow: malloc
        [Kinds.Stack] = ("32", "#59a14f"),           // green
        [Kinds.Go] = ("36", "#76b7b2"),              // cyan
        [Kinds.Dotnet] = ("35", "#b07aa1"),          // magenta: the managed runtimes
        [Kinds.Jvm] = ("35", "#b07aa1"),
        [Kinds.V8] = ("35", "#b07aa1"),
        [Kinds.Python] = ("35", "#b07aa1"),
        [Kinds.MappedFile] = ("94", "#a0cbe8"),      // light blue: files that are not code
        [Kinds.SharedMemory] = ("95", "#ff9da7"),    // pink
        [Kinds.Kernel] = ("90", "#bab0ac"),          // grey
        [Kinds.Named] = ("96", "#9c755f"),
        [Kinds.Unattributed] = ("31", "#e15759"),    // red: no owner proved
    };

    /// <summary>The letter that stands for the kind in a text bar (the colour stands for it where there is colour).</summary>
    public static char Letter(string kind) => kind switch
    {
        Kinds.Image => 'i',
        Kinds.NativeHeap => 'h',
        Kinds.Stack => 's',
        Kinds.Go => 'g',
        Kinds.Dotnet => 'd',
        Kinds.Jvm => 'j',
        Kinds.V8 => 'v',
        Kinds.Python => 'p',
        Kinds.MappedFile => 'f',
        Kinds.SharedMemory => 'm',
        Kinds.Kernel => 'k',
        Kinds.Named => 'n',
        Kinds.Unattributed => '?',
        _ => '*',
    };

    /// <summary>The kind's SGR parameters ("34"), or null for a kind without a colour.</summary>
    public static string? Sgr(string kind) => ByKind.TryGetValue(kind, out var c) ? c.Sgr : null;

    /// <summary>The kind's colour as #rrggbb, grey for a kind without one.</summary>
    public static string Rgb(string kind) => ByKind.TryGetValue(kind, out var c) ? c.Rgb : "#bab0ac";

    /// <summary>
    /// Writes the text in a colour (SGR parameters) when <paramref name="color"/>, else as it is. The codes go through
    /// the inert writer's trusted path; the text itself, which may come from the target, never does.
    /// </summary>
    public static void Write(TextWriter w, string text, string? sgr, bool color)
    {
        if (!color || sgr is null || text.Length == 0) { w.Write(text); return; }
        InertTextWriter.WriteCode(w, $"\u001b[{sgr}m");
        w.Write(text);
        InertTextWriter.WriteCode(w, "\u001b[0m");
    }
}
