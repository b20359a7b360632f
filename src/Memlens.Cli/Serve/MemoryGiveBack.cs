namespace Memlens.Cli.Serve;

/// <summary>
/// A long-running server gives back what one large request took: analysing a process of 60,000 mappings for a page or
/// a scrape commits 100+ MiB of GC heap, which the GC otherwise keeps committed (and resident) while the server idles
/// (measured: `memlens serve` stayed at 85 MiB after such a request, from 35). Past a committed size, a blocking,
/// compacting collection that decommits what it frees (GCCollectionMode.Aggressive) follows the request; the size to
/// pass then doubles from what stayed, so a machine that needs more does not pay for a collection per request.
/// </summary>
internal static class MemoryGiveBack
{
    public const long FirstThresholdBytes = 64L << 20;
    private static long _threshold = FirstThresholdBytes;

    public static void AfterRequest()
    {
        if (GC.GetGCMemoryInfo().TotalCommittedBytes <= Interlocked.Read(ref _threshold)) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Exchange(ref _threshold, Math.Max(FirstThresholdBytes, 2 * GC.GetGCMemoryInfo().TotalCommittedBytes));
    }
}
