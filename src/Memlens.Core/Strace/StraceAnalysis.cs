using System.Globalization;
using Memlens.Core.Analysis;
using Memlens.Core.Model;
using Memlens.Core.Sources;
using Memlens.Formats.Procfs;
using Memlens.Formats.Strace;

namespace Memlens.Core.Strace;

/// <summary>Reads an strace log from disk in chunks and replays it, up to an optional moment (line or time).</summary>
public sealed class StraceAnalysis
{
    public required string Log { get; init; }
    public required StraceReplayer Replayer { get; init; }
    public long Lines { get; init; }
    public long Garbage { get; init; }
    public IReadOnlyList<StraceEvent> Problems { get; init; } = [];
    public string? StoppedAt { get; init; }

    /// <param name="progress">told (bytes read, bytes in all, or 0 for a pipe) after each chunk: for a progress line.</param>
    public static StraceAnalysis Run(string path, string? at = null, Action<StraceReplayer.TimelinePoint>? timeline = null, Action<long, long>? progress = null)
    {
        long atLine = long.MaxValue;
        double? atSeconds = null;
        if (at is not null)
        {
            if (long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out long l)) atLine = l;
            else atSeconds = ParseTime(at) ?? throw new MemlensException(ExitCode.Usage, $"--at {at}: give a line number or a time as the log prints it (12:34:56.789, 1700000000.5)");
        }
        var replayer = new StraceReplayer(timeline);
        var problems = new List<StraceEvent>();
        bool stopped = false;
        string? stoppedAt = null;
        var parser = new StraceParser(
            c =>
            {
                if (stopped) return;
                if (atSeconds is double t && c.Seconds is double s && s > t) { stopped = true; stoppedAt = $"time {at} (line {c.Line})"; return; }
                replayer.Call(c);
            },
            e =>
            {
                if (stopped) return;
                replayer.Event(e);
                if (e.Kind is "garbage" or "orphan" or "unfinished" or "cut" or "failed-after-applied" && problems.Count < 50) problems.Add(e);
            });
        bool lastLineCut = false;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            long total = file.CanSeek ? file.Length : 0;
            var blocks = new StraceBlocks(file, path);
            long before = 0;   // lines in the blocks before this one
            foreach (var block in blocks.Scanned())
            {
                var keptLines = block.Kept;
                for (int k = 0; k < keptLines.Count; k++)
                {
                    var kept = keptLines[k];
                    // The scan wrote these lines on another core: ask for a later one now, so that it is near when its turn comes.
                    if (k + PrefetchAhead < keptLines.Count) Prefetch(block, keptLines[k + PrefetchAhead]);
                    if (before + kept.Number > atLine) break;
                    parser.Take(block.Line(kept), kept.Line, before + kept.Number, kept.Shape, block.ArgsOf(kept));
                    if (stopped) break;
                }
                if (!stopped && block.NulLine > 0 && before + block.NulLine <= atLine) throw StraceBlocks.NulByte(path, before + block.NulLine);
                if (!stopped && before + block.Lines > atLine) { stopped = true; stoppedAt = $"line {atLine}"; parser.SkipTo(atLine); }
                if (stopped) break;
                before += block.Lines;
                parser.SkipTo(before);
                lastLineCut = block.EndsCut;
                progress?.Invoke(block.ReadUpTo, total);
            }
        }
        catch (FileNotFoundException) { throw new MemlensException(ExitCode.BadInput, $"{path}: no such strace log"); }
        catch (UnauthorizedAccessException) { throw new MemlensException(ExitCode.PermissionDenied, $"{path}: permission denied"); }
        catch (IOException e) { throw new MemlensException(ExitCode.BadInput, $"{path}: could not be read ({e.Message.TrimEnd('.')})"); }
        parser.End(lastLineCut && !stopped);
        // No process found and most lines unreadable: some other file (a binary, a different log), not strace output.
        if (replayer.Processes.Count == 0 && parser.Lines > 0 && parser.Garbage * 2 > parser.Lines)
            throw new MemlensException(ExitCode.BadInput, parser.Garbage == parser.Lines
                ? $"{path}: not an strace log (no line of it is strace output)"
                : $"{path}: not an strace log ({parser.Garbage:N0} of its {parser.Lines:N0} lines are not strace output, and no process's calls were found)");
        return new StraceAnalysis { Log = path, Replayer = replayer, Lines = parser.Lines, Garbage = parser.Garbage, Problems = problems, StoppedAt = stoppedAt };
    }

    private const int PrefetchAhead = 16;

    private static unsafe void Prefetch(StraceBlocks.Block block, in StraceBlocks.Kept kept)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || kept.Line.Length == 0) return;
        fixed (byte* line = &block.Data[kept.Offset])
        {
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(line);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(line + kept.Line.Length - 1);
        }
    }

    private static double? ParseTime(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 3 && int.TryParse(parts[0], out int h) && int.TryParse(parts[1], out int m) && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double s))
            return (h * 3600) + (m * 60) + s;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
    }

    /// <summary>The replayed end state as a snapshot, classified by the same rules as a live process.</summary>
    public static (ProcessAnalysis Analysis, Dictionary<int, Segment> SegmentsByRegion) Analyze(ReplayedProcess p, string log)
    {
        var regions = new List<Region>();
        var segments = new Dictionary<int, Segment>();
        foreach (var s in p.Space.Segments)
        {
            bool file = s.Path.StartsWith('/') && s.Path != "/dev/zero (deleted)";
            var map = new MapsEntry(s.Start, s.End, s.Perms, s.Offset, "00:00", file ? 1UL : 0, s.Path);
            segments[regions.Count] = s;
            regions.Add(new Region(regions.Count, map, null));
        }
        var threads = p.ThreadStacks.Select(kv => new ThreadInfo(kv.Key, null, new TaskSyscall(false, null, kv.Value, null), null)).ToList();
        var snapshot = new ProcessSnapshot
        {
            Pid = p.Pid,
            Exe = p.Exe,
            Regions = regions,
            HasSmaps = false,
            Threads = threads,
            Source = $"strace replay of {log}",
            Images = new FileImageInspector("/nonexistent"),
            Memory = NoMemoryProbe.Instance,
            PageSize = StraceReplayer.Page,
        };
        return (Analyzer.Analyze(snapshot, withFindings: false), segments);
    }
}
