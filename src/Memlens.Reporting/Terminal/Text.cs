using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
using Memlens.Core.Model;

namespace Memlens.Reporting.Terminal;

/// <summary>Formatting for people: sizes, shortened names, wrapped paragraphs.</summary>
public static class Text
{
    public static string Size(ulong? n) => n is null ? "?" : n == 0 ? "0" : Bytes.Format(n.Value);

    /// <summary>Shortens a long name: a path keeps its end (the file name matters most), other names their start.</summary>
    public static string Shorten(string s, int max) =>
        s.Length <= max ? s : s.StartsWith('/') ? "…" + s[^(max - 1)..] : s[..(max - 1)] + "…";

    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' '))
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

    /// <summary>One identity check: "[ok] name: expected … B, actual … B", then its explanation, wrapped and indented.</summary>
    public static void WriteCheck(TextWriter w, Check c, string expected = "expected", string actual = "actual", string unit = " B")
    {
        w.WriteLine($"  [{(c.Holds ? "ok" : "!!")}] {c.Name}: {expected} {c.Expected:N0}{unit}, {actual} {c.Actual:N0}{unit}");
        foreach (var line in Wrap(c.Explanation, TerminalReportWriter.Width - 8)) w.WriteLine("       " + line);
    }
}
