using System.Text;
using System.Text.RegularExpressions;
using Memlens.Formats.Procfs;

namespace Memlens.Formats.Text;

/// <summary>
/// Text people copy from a machine and paste: one /proc file, or several one after another under the headers that
/// `tail -n +1 FILES` and `head FILES` print (<c>==&gt; /proc/123/maps &lt;==</c>) or under the shell command that
/// printed them (<c># cat /proc/123/smaps</c>, <c>/proc/123$ sudo cat statm</c>). Each part is named by what it is:
/// maps, smaps, smaps_rollup, status, statm, stat, cmdline, comm, or metrics.N.txt for a runtime metrics page.
/// Line endings are made LF and trailing blanks removed, so CRLF text reads like the kernel's.
/// </summary>
public static partial class PastedProcText
{
    public const int MaxSections = 64;

    public sealed record Result(IReadOnlyDictionary<string, byte[]> Files, IReadOnlyList<string> Problems, int? Pid);

    /// <summary>As <see cref="Parse(ReadOnlySpan{byte})"/>, for text read as characters (standard input).</summary>
    public static Result? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The named parts of UTF-8 text, or null when it holds no recognisable /proc file at all. Lines are ranges of the
    /// text, not strings: a million pasted mappings cost their text and a few bytes a line.
    /// </summary>
    public static Result? Parse(ReadOnlySpan<byte> text)
    {
        if (text.Contains((byte)0)) return null;   // binary, not text
        var sections = new List<Section>();
        var current = new Section(null, null);
        int at = 0;
        while (true)
        {
            // A line ends at LF, CRLF or a lone CR (text from old Macs, or CRs a terminal left).
            int end = text[at..].IndexOfAny((byte)'\n', (byte)'\r');
            int lineEnd = end < 0 ? text.Length : at + end;
            var line = new Range(at, lineEnd);
            if (Header(text[line]) is { } h)
            {
                if (current.Header is not null || current.HasText(text)) sections.Add(current);
                current = new Section(h.Name, h.Pid);
            }
            else current.Lines.Add(line);
            if (end < 0) break;
            at = lineEnd + (text[lineEnd] == '\r' && lineEnd + 1 < text.Length && text[lineEnd + 1] == '\n' ? 2 : 1);
        }
        if (current.Header is not null || current.HasText(text)) sections.Add(current);
        if (sections.Count > MaxSections) return null;

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        int metrics = 0;
        int? pid = null;
        foreach (var section in sections)
        {
            pid ??= section.Pid;
            var lines = section.Content(text);
            if (lines.Count == 0) continue;
            string? name = section.Header is not null && Known.Contains(section.Header) ? section.Header : Recognise(text, lines);
            if (name is null)
            {
                problems.Add(section.Header is null ? "a part of the text is not a /proc file memlens reads; ignored" : $"'{section.Header}' is not a /proc file memlens reads; ignored");
                continue;
            }
            lines = KeepFileLines(name, text, lines, out int dropped);
            if (dropped > 0) problems.Add($"{name}: {dropped} line(s) of other text around it were left out");
            if (name == "metrics") name = $"metrics.{metrics++}.txt";
            if (files.ContainsKey(name)) { problems.Add($"{name} appears twice; the first is used"); continue; }
            files[name] = Joined(text, lines);
        }
        return files.ContainsKey("maps") || files.ContainsKey("smaps") ? new Result(files, problems, pid) : null;
    }

    /// <summary>One part of the text: its header's name and pid (none before the first header) and its lines.</summary>
    private sealed class Section(string? header, int? pid)
    {
        public string? Header { get; } = header;
        public int? Pid { get; } = pid;
        public List<Range> Lines { get; } = [];

        public bool HasText(ReadOnlySpan<byte> text)
        {
            foreach (var l in Lines) if (!text[l].IsEmpty) return true;
            return false;
        }

        /// <summary>
        /// The lines as the file held them: trailing blanks go, except on maps lines, where a path may end in a space;
        /// blank lines before and after go.
        /// </summary>
        public List<Range> Content(ReadOnlySpan<byte> text)
        {
            var kept = new List<Range>(Lines.Count);
            foreach (var l in Lines)
            {
                var (start, length) = l.GetOffsetAndLength(text.Length);
                var line = text.Slice(start, length);
                kept.Add(IsMapsLine(line) ? l : new Range(start, start + line.TrimEnd(Blanks).Length));
            }
            int first = 0, last = kept.Count;
            while (first < last && Length(kept[first], text) == 0) first++;
            while (last > first && Length(kept[last - 1], text) == 0) last--;
            return kept.GetRange(first, last - first);
        }
    }

    private static ReadOnlySpan<byte> Blanks => " \t"u8;

    private static int Length(Range r, ReadOnlySpan<byte> text) => r.GetOffsetAndLength(text.Length).Length;

    /// <summary>The lines joined by LF, with a last LF: the file as the kernel printed it (no lines: one LF).</summary>
    private static byte[] Joined(ReadOnlySpan<byte> text, List<Range> lines)
    {
        if (lines.Count == 0) return [(byte)'\n'];
        int size = 0;
        foreach (var l in lines) size += Length(l, text) + 1;
        var bytes = new byte[size];
        int at = 0;
        foreach (var l in lines)
        {
            text[l].CopyTo(bytes.AsSpan(at));
            at += Length(l, text);
            bytes[at++] = (byte)'\n';
        }
        return bytes;
    }

    /// <summary>What a person pasted around the file (a sentence after the output) is not part of it.</summary>
    private static List<Range> KeepFileLines(string name, ReadOnlySpan<byte> text, List<Range> lines, out int dropped)
    {
        dropped = 0;
        if (name is not ("maps" or "statm" or "status")) return lines;
        var kept = new List<Range>(lines.Count);
        foreach (var l in lines)
        {
            var line = text[l];
            bool keep = name switch
            {
                "maps" => IsMapsLine(line),
                "statm" => StatmLine().IsMatch(Encoding.UTF8.GetString(line)),
                _ => IsStatusLine(line),
            };
            if (keep) kept.Add(l);
            else if (!line.IsEmpty) dropped++;
        }
        return kept;
    }

    /// <summary>"Key:" then a blank or the end, as status prints; lines of other characters are asked of the pattern.</summary>
    private static bool IsStatusLine(ReadOnlySpan<byte> line)
    {
        if (!System.Text.Ascii.IsValid(line)) return StatusLine().IsMatch(Encoding.UTF8.GetString(line));
        int colon = line.IndexOf((byte)':');
        if (colon <= 0) return false;
        foreach (byte b in line[..colon])
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == '_')) return false;
        return colon + 1 == line.Length || line[colon + 1] is (byte)' ' or (byte)'\t' or (byte)'\v' or (byte)'\f';
    }

    /// <summary>A maps/smaps header line ("start-end perms …"), judged on its first characters without copying the line.</summary>
    private static bool IsMapsLine(ReadOnlySpan<byte> line)
    {
        var head = line[..Math.Min(line.Length, 48)];
        Span<byte> ascii = stackalloc byte[head.Length];
        for (int i = 0; i < head.Length; i++) ascii[i] = head[i] < 128 ? head[i] : (byte)'?';
        return MapsLine.LooksLikeHeader(ascii);
    }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
        { "maps", "smaps", "smaps_rollup", "status", "statm", "stat", "cmdline", "comm", "cgroup", "metrics" };

    /// <summary>A pid as /proc names it (pid_max is at most 2^22), or null for digits that cannot be one.</summary>
    private static int? Pid(string digits) =>
        int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;

    /// <summary>A header line; only lines that can be one ("==> …", or holding a prompt's $ or #) are made strings.</summary>
    private static (string Name, int? Pid)? Header(ReadOnlySpan<byte> raw)
    {
        if (!raw.StartsWith("==> "u8) && raw.IndexOfAny((byte)'$', (byte)'#') < 0) return null;
        string line = Encoding.UTF8.GetString(raw.TrimEnd(Blanks));
        var m = TailHeader().Match(line);
        if (!m.Success) m = CatHeader().Match(line);
        if (!m.Success) return null;
        string path = m.Groups["path"].Value;
        int? pid = ProcPid().Match(path) is { Success: true } p ? Pid(p.Groups[1].Value) : null;
        // "/proc/10368$ cat statm": the directory is in the prompt.
        if (pid is null && m.Groups["prompt"].Success && ProcPid().Match(m.Groups["prompt"].Value + "/") is { Success: true } q)
            pid = Pid(q.Groups[1].Value);
        string name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        if (path.StartsWith("http", StringComparison.Ordinal) || path.Contains("metrics", StringComparison.Ordinal) || path.Contains("debug/", StringComparison.Ordinal)) name = "metrics";
        return (name, pid);
    }

    /// <summary>What a headerless part is, from its first lines.</summary>
    private static string? Recognise(ReadOnlySpan<byte> text, List<Range> lines)
    {
        var first = text[lines[0]];
        if (IsMapsLine(first))
        {
            bool smaps = false, rollup = false;
            foreach (var l in lines)
            {
                var line = text[l];
                smaps |= IsSmapsKey(line);
                rollup |= line.IndexOf("[rollup]"u8) >= 0;
            }
            return smaps ? rollup ? "smaps_rollup" : "smaps" : "maps";
        }
        if (StatmLine().IsMatch(Encoding.UTF8.GetString(first))) return "statm";
        if (first.StartsWith("Name:"u8)) return "status";
        foreach (var l in lines)
            if (text[l].IndexOf("VmSize:"u8) >= 0) return "status";
        // A metrics page: small, so read as the pattern reads it (a JSON object's first key may be on its next line).
        return MetricsLine().IsMatch(Encoding.UTF8.GetString(Joined(text, lines))) ? "metrics" : null;
    }

    /// <summary>"Rss:   4 kB", "Size: …", "Pss: …": a line only smaps has.</summary>
    private static bool IsSmapsKey(ReadOnlySpan<byte> line)
    {
        int colon = line.IndexOf((byte)':');
        if (!System.Text.Ascii.IsValid(line)) return SmapsKey().IsMatch(Encoding.UTF8.GetString(line));
        if (colon is < 3 or > 4 || !(line[..colon].SequenceEqual("Rss"u8) || line[..colon].SequenceEqual("Size"u8) || line[..colon].SequenceEqual("Pss"u8))) return false;
        var rest = line[(colon + 1)..];
        int blanks = rest.Length - rest.TrimStart(" \t\v\f"u8).Length;
        rest = rest[blanks..];
        int digits = rest.Length - rest.TrimStart("0123456789"u8).Length;
        return blanks > 0 && digits > 0 && rest[digits..].SequenceEqual(" kB"u8);
    }

    [GeneratedRegex(@"^==> (?<path>.+) <==$")]
    private static partial Regex TailHeader();

    /// <summary>"# cat /proc/1/maps", "$ sudo cat maps", "/proc/10368$ cat statm", "user@host:~$ cat /proc/1/smaps", "curl …/metrics".</summary>
    [GeneratedRegex(@"^(?<prompt>\S*?)\s?[$#]\s*(sudo\s+)?(cat|curl(\s+-\w+)*)\s+(?<path>\S+)$")]
    private static partial Regex CatHeader();

    [GeneratedRegex(@"/proc/(\d+)/")]
    private static partial Regex ProcPid();

    [GeneratedRegex(@"^(Rss|Size|Pss):\s+\d+ kB$")]
    private static partial Regex SmapsKey();

    [GeneratedRegex(@"^\d+( \d+){6}$")]
    private static partial Regex StatmLine();

    [GeneratedRegex(@"^\w+:(\s|$)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"(?m)^(# (HELP|TYPE) \w+|go_memstats_\w+ |# runtime\.MemStats|\{\s*""(cmdline|memstats)"")")]
    private static partial Regex MetricsLine();
}
