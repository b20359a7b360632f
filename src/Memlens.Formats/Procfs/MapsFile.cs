using Memlens.Formats.Text;

namespace Memlens.Formats.Procfs;

/// <summary>/proc/PID/maps: one VMA per line.</summary>
public static class MapsFile
{
    public static ParsedList<MapsEntry> Parse(ReadOnlySpan<byte> text)
    {
        var entries = new List<MapsEntry>();
        var problems = new List<string>();
        var strings = new Utf8StringCache();   // perms, devices and library paths repeat on most lines
        int number = 0;
        var lines = Ascii.Lines(text);
        while (lines.MoveNext())
        {
            var line = lines.Current;
            number++;
            if (line.IsEmpty) continue;
            if (MapsLine.TryParse(line, strings, out var entry))
            {
                if (entries.Count == ProcfsLimits.MaxMappings) throw ProcfsLimits.TooManyMappings("maps");
                entries.Add(entry!);
            }
            else problems.Add(lines.CurrentComplete
                ? $"maps line {number} is malformed and was skipped"
                : $"maps was cut short at line {number}; the partial line was skipped");
        }
        return new ParsedList<MapsEntry>(entries, problems);
    }
}

/// <summary>A parser's result: what could be read, and one sentence per thing that could not.</summary>
public sealed record ParsedList<T>(IReadOnlyList<T> Items, IReadOnlyList<string> Problems);
