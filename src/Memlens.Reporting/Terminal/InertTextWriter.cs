using System.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>
/// Text from a target (comm, cmdline, paths, log lines, metric names) is printed inert: every control character but the
/// newline and tab — ESC, BEL, CR, DEL, the C1 controls — is written as a visible \xNN escape, so no process can clear,
/// retitle or rewrite the terminal of whoever runs memlens on it. JSON escapes them already.
/// </summary>
public sealed class InertTextWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;
    public override IFormatProvider FormatProvider => inner.FormatProvider;
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

    public static bool IsControl(char c) => c is not ('\n' or '\t') && (c < 0x20 || c is >= (char)0x7f and <= (char)0x9f);

    public override void Write(char value)
    {
        if (IsControl(value)) inner.Write($"\\x{(int)value:x2}");
        else inner.Write(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        if (!value.AsSpan().ContainsAny(Controls)) { inner.Write(value); return; }
        foreach (char c in value) Write(c);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <summary>memlens's own escape sequences (colour), written as they are: never text that came from a target.</summary>
    public void WriteTrusted(string code) => inner.Write(code);

    /// <summary>An escape sequence of memlens's own to <paramref name="w"/>, through an inert writer's trusted path when it is one.</summary>
    public static void WriteCode(TextWriter w, string code)
    {
        if (w is InertTextWriter inert) inert.WriteTrusted(code);
        else w.Write(code);
    }
    public override void WriteLine(string? value) { Write(value); inner.WriteLine(); }
    public override void Flush() => inner.Flush();

    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0xa0).Select(i => (char)i).Where(IsControl).ToArray());
}
