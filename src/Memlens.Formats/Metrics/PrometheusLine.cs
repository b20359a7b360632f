using System.Globalization;
using System.Text;

namespace Memlens.Formats.Metrics;

/// <summary>
/// One sample line of the Prometheus text format (0.0.4) or OpenMetrics 1.0:
/// <c>name{label="value",…} value [timestamp] [# {exemplar labels} value [timestamp]]</c>. Label values may hold any
/// character, with <c>\\</c>, <c>\"</c> and <c>\n</c> escaped; the value may be <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>;
/// a name may also be given quoted inside the braces (<c>{"my.metric",a="b"}</c>, Prometheus 3).
/// </summary>
public static class PrometheusLine
{
    /// <summary>The sample's key (name, and its label set as written, when it has one) and value; or why the line is not a sample.</summary>
    public static bool TryParse(string line, out string key, out double value, out string? problem)
    {
        key = "";
        value = 0;
        problem = null;
        int i = 0;
        string name = "";
        if (line.Length > 0 && line[0] != '{')
        {
            while (i < line.Length && IsNameChar(line[i], i == 0)) i++;
            if (i == 0) { problem = "is not a sample"; return false; }
            name = line[..i];
        }
        string labels = "";
        if (i < line.Length && line[i] == '{')
        {
            int start = i;
            if (!TrySkipLabels(line, ref i, ref name, out problem)) return false;
            labels = line[start..i];
        }
        if (name.Length == 0) { problem = "is not a sample"; return false; }
        if (i >= line.Length || (line[i] != ' ' && line[i] != '\t')) { problem = "has no numeric value"; return false; }
        var rest = line.AsSpan(i);
        int hash = rest.IndexOf(" # ", StringComparison.Ordinal);   // an OpenMetrics exemplar follows the sample
        if (hash >= 0) rest = rest[..hash];
        var parts = rest.Trim();
        int space = parts.IndexOfAny(' ', '\t');
        var number = space < 0 ? parts : parts[..space];
        var timestamp = space < 0 ? [] : parts[(space + 1)..].Trim();
        if (!TryParseValue(number, out value)) { problem = "has no numeric value"; return false; }
        if (!timestamp.IsEmpty && !double.TryParse(timestamp, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            problem = "has something other than a timestamp after its value";
            return false;
        }
        key = name + WithoutQuotedName(labels);
        return true;
    }

    /// <summary>Go's strconv.ParseFloat spellings the format allows: +Inf, -Inf, Inf, NaN, in any case, and plain floats.</summary>
    public static bool TryParseValue(ReadOnlySpan<char> s, out double value)
    {
        var unsigned = s.Length > 0 && (s[0] == '+' || s[0] == '-') ? s[1..] : s;
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = s[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (s.Equals("nan", StringComparison.OrdinalIgnoreCase)) { value = double.NaN; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsNameChar(char c, bool first) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' or ':' || (!first && c is >= '0' and <= '9');

    /// <summary>Moves past a label set, honouring quotes and escapes; takes a quoted metric name from it when it has one.</summary>
    private static bool TrySkipLabels(string line, ref int i, ref string name, out string? problem)
    {
        problem = null;
        i++;   // '{'
        bool first = true;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or ',') i++;
            if (i >= line.Length) { problem = "has an unclosed label set"; return false; }
            if (line[i] == '}') { i++; return true; }
            if (line[i] == '"')
            {
                // A quoted name: the metric's (first, with no '='), or a label's.
                if (!TryReadQuoted(line, ref i, out string quoted)) { problem = "has an unclosed quoted string"; return false; }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != '=')
                {
                    if (!first || name.Length > 0) { problem = "has a label with no value"; return false; }
                    name = quoted;
                    first = false;
                    continue;
                }
            }
            else
            {
                int start = i;
                while (i < line.Length && IsNameChar(line[i], i == start)) i++;
                if (i == start) { problem = "has a malformed label set"; return false; }
                while (i < line.Length && line[i] == ' ') i++;
            }
            if (i >= line.Length || line[i] != '=') { problem = "has a label with no value"; return false; }
            i++;
            while (i < line.Length && line[i] == ' ') i++;
            if (i >= line.Length || line[i] != '"') { problem = "has a label value that is not quoted"; return false; }
            if (!TryReadQuoted(line, ref i, out _)) { problem = "has an unclosed quoted string"; return false; }
            first = false;
        }
    }

    private static bool TryReadQuoted(string line, ref int i, out string text)
    {
        var sb = new StringBuilder();
        for (i++; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"') { i++; text = sb.ToString(); return true; }
            if (c == '\\' && i + 1 < line.Length)
            {
                char e = line[++i];
                sb.Append(e == 'n' ? '\n' : e);
            }
            else sb.Append(c);
        }
        text = "";
        return false;
    }

    /// <summary>{"name",a="b"} → {a="b"}, {} → "": the key is the name and its labels, whichever way the name was written.</summary>
    private static string WithoutQuotedName(string labels)
    {
        int i = 1;
        while (i < labels.Length && labels[i] == ' ') i++;
        if (i >= labels.Length || labels[i] == '}') return "";
        if (labels[i] != '"') return labels;
        TryReadQuoted(labels, ref i, out _);
        int after = i;
        while (after < labels.Length && labels[after] == ' ') after++;
        if (after < labels.Length && labels[after] == '=') return labels;   // a quoted label name, not the metric's
        while (i < labels.Length && labels[i] is ' ' or ',') i++;
        string inner = labels[i..];
        return inner == "}" ? "" : "{" + inner;
    }
}
