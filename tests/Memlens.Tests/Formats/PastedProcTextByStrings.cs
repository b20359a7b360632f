using System.Text;
using System.Text.RegularExpressions;
using Memlens.Formats.Procfs;
using Memlens.Formats.Text;

namespace Memlens.Tests.Formats;

/// <summary>
/// The reading of pasted text that <see cref="PastedProcText"/> replaced, line by line as strings (it took 1.1 GB for
/// 43 MB of maps): kept as the reference the byte reader must agree with.
/// </summary>
public static partial class PastedProcTextByStrings
{
    public const int MaxSections = 64;

    public sealed record Result(IReadOnlyDictionary<string, byte[]> Files, IReadOnlyList<string> Problems, int? Pid);

    /// <summary>The named parts of the text, or null when it holds no recognisable /proc file at all.</summary>
    public static Result? Parse(string text)
    {
        if (text.Contains('\0')) return null;   // binary, not text
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var sections = new List<(string? Header, int? Pid, List<string> Lines)>();
        (string? Header, int? Pid, List<string> Lines) current = (null, null, []);
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd(' ', '\t');
            if (Header(line) is { } h)
            {
                if (current.Header is not null || current.Lines.Any(l => l.Length > 0)) sections.Add(current);
                current = (h.Name, h.Pid, []);
                continue;
            }
            current.Lines.Add(raw.TrimEnd('\r'));
        }
        if (current.Header is not null || current.Lines.Any(l => l.Length > 0)) sections.Add(current);
        if (sections.Count > MaxSections) return null;

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        int metrics = 0;
        int? pid = null;
        foreach (var (header, sectionPid, body) in sections)
        {
            pid ??= sectionPid;
            // Trailing blanks go, except on maps lines, where a path may end in a space: those keep theirs.
            var content = string.Join('\n', body.Select(l => IsMapsLine(l) ? l : l.TrimEnd(' ', '\t'))).Trim('\n');
            if (content.Length == 0) continue;
            string? name = header is not null && Known.Contains(header) ? header : Recognise(content);
            if (name is null)
            {
                problems.Add(header is null ? "a part of the text is not a /proc file memlens reads; ignored" : $"'{header}' is not a /proc file memlens reads; ignored");
                continue;
            }
            content = KeepFileLines(name, content, out int dropped);
            if (dropped > 0) problems.Add($"{name}: {dropped} line(s) of other text around it were left out");
            if (name == "metrics") name = $"metrics.{metrics++}.txt";
            if (files.ContainsKey(name)) { problems.Add($"{name} appears twice; the first is used"); continue; }
            files[name] = Encoding.UTF8.GetBytes(content + "\n");
        }
        return files.ContainsKey("maps") || files.ContainsKey("smaps") ? new Result(files, problems, pid) : null;
    }

    /// <summary>What a person pasted around the file (a sentence after the output) is not part of it.</summary>
    private static string KeepFileLines(string name, string content, out int dropped)
    {
        var lines = content.Split('\n');
        Func<string, bool>? keep = name switch
        {
            "maps" => l => IsMapsLine(l),
            "statm" => l => StatmLine().IsMatch(l),
            "status" => l => StatusLine().IsMatch(l),
            _ => null,
        };
        if (keep is null) { dropped = 0; return content; }
        var kept = lines.Where(l => keep(l)).ToList();
        dropped = lines.Count(l => l.Length > 0) - kept.Count;
        return string.Join('\n', kept);
    }

    /// <summary>A maps/smaps header line ("start-end perms …"), judged on its first characters without copying the line.</summary>
    private static bool IsMapsLine(ReadOnlySpan<char> line)
    {
        var head = line[..Math.Min(line.Length, 48)];
        Span<byte> ascii = stackalloc byte[head.Length];
        for (int i = 0; i < head.Length; i++) ascii[i] = head[i] < 128 ? (byte)head[i] : (byte)'?';
        return MapsLine.LooksLikeHeader(ascii);
    }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
        { "maps", "smaps", "smaps_rollup", "status", "statm", "stat", "cmdline", "comm", "cgroup", "metrics" };

    /// <summary>A pid as /proc names it (pid_max is at most 2^22), or null for digits that cannot be one.</summary>
    private static int? Pid(string digits) =>
        int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;

    private static (string Name, int? Pid)? Header(string line)
    {
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
    private static string? Recognise(string content)
    {
        var first = content.AsSpan(0, content.IndexOf('\n') is int nl && nl >= 0 ? nl : content.Length);
        if (IsMapsLine(first))
        {
            if (SmapsKey().IsMatch(content)) return content.Contains("[rollup]", StringComparison.Ordinal) ? "smaps_rollup" : "smaps";
            return "maps";
        }
        if (StatmLine().IsMatch(first.ToString())) return "statm";
        if (content.Contains("VmSize:", StringComparison.Ordinal) || content.StartsWith("Name:", StringComparison.Ordinal)) return "status";
        if (MetricsLine().IsMatch(content)) return "metrics";
        return null;
    }

    [GeneratedRegex(@"^==> (?<path>.+) <==$")]
    private static partial Regex TailHeader();

    /// <summary>"# cat /proc/1/maps", "$ sudo cat maps", "/proc/10368$ cat statm", "user@host:~$ cat /proc/1/smaps", "curl …/metrics".</summary>
    [GeneratedRegex(@"^(?<prompt>\S*?)\s?[$#]\s*(sudo\s+)?(cat|curl(\s+-\w+)*)\s+(?<path>\S+)$")]
    private static partial Regex CatHeader();

    [GeneratedRegex(@"/proc/(\d+)/")]
    private static partial Regex ProcPid();

    [GeneratedRegex(@"(?m)^(Rss|Size|Pss):\s+\d+ kB$")]
    private static partial Regex SmapsKey();

    [GeneratedRegex(@"^\d+( \d+){6}$")]
    private static partial Regex StatmLine();

    [GeneratedRegex(@"^\w+:(\s|$)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"(?m)^(# (HELP|TYPE) \w+|go_memstats_\w+ |# runtime\.MemStats|\{\s*""(cmdline|memstats)"")")]
    private static partial Regex MetricsLine();
}
