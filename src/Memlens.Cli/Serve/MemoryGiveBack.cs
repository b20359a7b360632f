namespace Memlens.Cli.Serve;

/// <summary>
/// A long-running server gives back what its requests took: analysing a process of 60,000 mappings for a page or a
/// scrape commits 100+ MiB of GC heap, which the GC otherwise keeps committed (and resident) while the server idles —
/// measured, `memlens serve` held 65–106 MiB for nine minutes and more after one such request, from 35. After a
/// request, when the GC holds more than <see cref="ThresholdBytes"/> committed and the last such collection is
/// <see cref="MinInterval"/> old, a blocking, compacting collection decommits what it frees
/// (GCCollectionMode.Aggressive): at most one every ten seconds, a few milliseconds for a heap of tens of MiB.
/// </summary>
internal static class MemoryGiveBack
{
    public const long ThresholdBytes = 32L << 20;
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
    private static long _last = long.MinValue / 2;

    public static void AfterRequest()
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _last);
        if (now - last < (long)MinInterval.TotalMilliseconds || GC.GetGCMemoryInfo().TotalCommittedBytes <= ThresholdBytes) return;
        if (Interlocked.CompareExchange(ref _last, now, last) != last) return;   // another request's thread is doing it
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
