using System.Diagnostics;

namespace Memlens.Cli;

/// <summary>MEMLENS_TIMINGS=1 prints how long each phase took to stderr: for bench/ and for slow machines, never for tests.</summary>
internal sealed class Timings(TextWriter error)
{
    private readonly bool _enabled = Environment.GetEnvironmentVariable("MEMLENS_TIMINGS") == "1";
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public void Mark(string phase)
    {
        if (!_enabled) return;
        error.WriteLine($"memlens timing: {phase} {_watch.Elapsed.TotalMilliseconds:0.0} ms (this thread's CPU so far {ThreadCpuMilliseconds()} ms; since process start {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms; managed heap {GC.GetTotalMemory(false) >> 20} MiB, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB)");
        _watch.Restart();
    }

    /// <summary>User and system time of the calling thread (/proc/thread-self/stat fields 14 and 15, in clock ticks of 10 ms).</summary>
    private static string ThreadCpuMilliseconds()
    {
        try
        {
            string stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return ((long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException) { return "?"; }
    }
}
