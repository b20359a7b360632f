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
        error.WriteLine($"memlens timing: {phase} {_watch.Elapsed.TotalMilliseconds:0.0} ms (since process start {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms; managed heap {GC.GetTotalMemory(false) >> 20} MiB, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB)");
        _watch.Restart();
    }
}
