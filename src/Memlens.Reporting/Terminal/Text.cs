using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
using Memlens.Core.Model;

namespace Memlens.Reporting.Terminal;

/// <summary>Formatting for people: sizes, shortened names, wrapped paragraphs.</summary>
public static class Text
{
    public static string Size(ulong? n) => n is null ? "?" : n == 0 ? "0" : Bytes.Format(n.Value);

    /// <summary>
    /// Cuts the middle of a long name to fit <paramref name="max"/> characters: a path keeps its start and more of its
    /// end (the file name, which matters most: "/usr/lib/x86_…/libpython3.11.so.1.0"); another name as much of each.
    /// </summary>
    public static string MiddleElide(string s, int max)
    {
        if (s.Length <= max) return s;
        if (max < 2) return s[..max];
        int end = s.Contains('/') ? (max - 1) * 2 / 3 : (max - 1) / 2, start = max - 1 - end;
        return s[..start] + "…" + s[^end..];
    }

    /// <summary>
    /// A line of text: whole in a file or a pipe (as it always was), wrapped to the terminal's width on a terminal,
    /// its continuation lines indented by <paramref name="continuation"/>.
    /// </summary>
    public static void WriteLine(TextWriter w, string text, TerminalLayout layout, string continuation = "  ")
    {
        if (layout.Width is null || text.Length <= layout.TextWidth) { w.WriteLine(text); return; }
        int lead = text.Length - text.TrimStart(' ').Length;
        bool first = true;
        foreach (var line in Wrap(text.TrimStart(' '), layout.TextWidth - lead - continuation.Length))
        {
            w.WriteLine((new string(' ', lead) + (first ? "" : continuation) + line).TrimEnd());
            first = false;
        }
    }

    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in WordsKeepingSizes(text))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    private static readonly HashSet<string> Units = new(StringComparer.Ordinal) { "B", "KiB", "MiB", "GiB", "TiB", "KiB,", "MiB,", "GiB,", "TiB,", "B,", "KiB)", "MiB)", "GiB)", "B)" };

    /// <summary>The words of a line, a size's number and unit ("15.4 MiB") kept as one so a wrap never parts them.</summary>
    private static IEnumerable<string> WordsKeepingSizes(string text)
    {
        string? held = null;
        foreach (var word in text.Split(' '))
        {
            if (held is not null && Units.Contains(word) && held.Length > 0 && char.IsDigit(held[^1])) { yield return held + " " + word; held = null; continue; }
            if (held is not null) yield return held;
            held = word;
        }
        if (held is not null) yield return held;
    }

    /// <summary>One identity check: "[ok] name: expected … B, actual … B", then its explanation, wrapped and indented.</summary>
    public static void WriteCheck(TextWriter w, Check c, string expected = "expected", string actual = "actual", string unit = " B", TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        string mark = c.Holds ? "ok" : "!!";
        var lines = new StringWriter();
        WriteLine(lines, $"  [{mark}] {c.Name}: {expected} {c.Expected:N0}{unit}, {actual} {c.Actual:N0}{unit}", layout, "     ");
        // Wrapped as plain text, then the mark painted: colour codes never count toward the width.
        string text = lines.ToString();
        w.Write("  [");
        KindColors.Write(w, mark, c.Holds ? "32" : "1;31", layout.Color);
        w.Write(text[5..]);
        foreach (var line in Wrap(c.Explanation, layout.TextWidth - 8)) w.WriteLine("       " + line);
    }
}
