using System.Globalization;
using System.Text.RegularExpressions;

namespace Memlens.Formats.Jvm;

/// <summary>One category of HotSpot's Native Memory Tracking summary, in bytes; Mapped* is its "(mmap: …)" part.</summary>
public sealed record NmtCategory(string Name, ulong Reserved, ulong Committed, ulong? MappedReserved, ulong? MappedCommitted);

/// <summary>
/// The text of `jcmd PID VM.native_memory summary` (HotSpot's memReporter.cpp): "Total: reserved=…KB, committed=…KB",
/// then per category "-  Name (reserved=…KB, committed=…KB)" followed by its detail lines, among them
/// "(mmap: reserved=…KB, committed=…KB)" for what it mapped and "(stack: reserved=…KB, …)" for thread stacks.
/// </summary>
public sealed partial class NmtSummary
{
    public const int MaxBytes = 1 << 20;

    public ulong TotalReserved { get; private init; }
    public ulong TotalCommitted { get; private init; }
    public IReadOnlyList<NmtCategory> Categories { get; private init; } = [];

    public NmtCategory? Category(string name) => Categories.FirstOrDefault(c => c.Name == name);

    /// <summary>Null, with the reason, when the text is not an NMT summary (NMT off: "Native memory tracking is not enabled").</summary>
    public static NmtSummary? Parse(string text, out string? problem)
    {
        problem = null;
        if (text.Length > MaxBytes) { problem = $"longer than {MaxBytes:N0} bytes"; return null; }
        if (text.Contains("not enabled", StringComparison.OrdinalIgnoreCase))
        {
            problem = "Native Memory Tracking is not enabled in this JVM (start it with -XX:NativeMemoryTracking=summary)";
            return null;
        }
        var total = Total().Match(text);
        if (!total.Success) { problem = "no \"Total: reserved=…\" line: not the output of VM.native_memory summary"; return null; }
        var categories = new List<NmtCategory>();
        var heads = Head().Matches(text);
        for (int i = 0; i < heads.Count; i++)
        {
            var h = heads[i];
            int end = i + 1 < heads.Count ? heads[i + 1].Index : text.Length;
            var body = text.AsSpan(h.Index + h.Length, end - h.Index - h.Length).ToString();
            var mapped = Mapped().Match(body);
            var stack = Stack().Match(body);
            var m = mapped.Success ? mapped : stack;
            categories.Add(new NmtCategory(h.Groups[1].Value.Trim(), Kb(h.Groups[2]), Kb(h.Groups[3]),
                m.Success ? Kb(m.Groups[1]) : null, m.Success ? Kb(m.Groups[2]) : null));
        }
        return new NmtSummary { TotalReserved = Kb(total.Groups[1]), TotalCommitted = Kb(total.Groups[2]), Categories = categories };
    }

    /// <summary>KB to bytes; a figure past 2^54 KB (16 EiB) is not something a JVM reported: saturated, not overflowed.</summary>
    private static ulong Kb(Group g) =>
        ulong.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong kb) && kb <= ulong.MaxValue / 1024 ? kb * 1024 : ulong.MaxValue;

    [GeneratedRegex(@"Total: reserved=(\d+)KB, committed=(\d+)KB")]
    private static partial Regex Total();

    [GeneratedRegex(@"(?m)^-\s+([^(\n]+?) \(reserved=(\d+)KB, committed=(\d+)KB\)")]
    private static partial Regex Head();

    [GeneratedRegex(@"\(mmap: reserved=(\d+)KB, committed=(\d+)KB")]
    private static partial Regex Mapped();

    [GeneratedRegex(@"\(stack: reserved=(\d+)KB, committed=(\d+)KB")]
    private static partial Regex Stack();
}
