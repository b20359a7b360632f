using System.Globalization;
using Memlens.Core.Model;

namespace Memlens.Core.Sources;

/// <summary>Passes reads to the live process and remembers the bytes for the manifest.</summary>
internal sealed class RecordingMemoryProbe(IMemoryProbe inner) : IMemoryProbe
{
    public const int MaxRecorded = 100_000;
    private readonly Dictionary<ulong, byte[]> _reads = [];

    public IReadOnlyList<RecordedProbe> Recorded =>
        _reads.OrderBy(kv => kv.Key).Select(kv => new RecordedProbe(kv.Key.ToString("x", CultureInfo.InvariantCulture), Convert.ToHexString(kv.Value))).ToList();

    private readonly List<RecordedPageCounts> _pages = [];

    public IReadOnlyList<RecordedPageCounts> RecordedPages => _pages;

    public bool TryCountPages(ulong start, ulong end, out PageCounts counts)
    {
        if (!inner.TryCountPages(start, end, out counts)) return false;
        _pages.Add(new RecordedPageCounts(start.ToString("x", CultureInfo.InvariantCulture), end.ToString("x", CultureInfo.InvariantCulture), counts.Present, counts.Swapped, counts.Exclusive));
        return true;
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!inner.TryRead(address, destination)) return false;
        if (_reads.Count < MaxRecorded && (!_reads.TryGetValue(address, out var old) || old.Length < destination.Length))
            _reads[address] = destination.ToArray();
        return true;
    }
}

/// <summary>Answers reads from a manifest's recorded bytes; anything not recorded is unreadable.</summary>
internal sealed class RecordedMemoryProbe : IMemoryProbe
{
    private readonly Dictionary<ulong, byte[]> _reads = [];
    private readonly Dictionary<(ulong, ulong), PageCounts> _pages = [];

    public RecordedMemoryProbe(IReadOnlyList<RecordedProbe> probes, IReadOnlyList<RecordedPageCounts>? pages = null)
    {
        foreach (var p in pages ?? [])
            if (ulong.TryParse(p.Start, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong s) && ulong.TryParse(p.End, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong e))
                _pages[(s, e)] = new PageCounts(p.Present, p.Swapped, p.Exclusive);
        foreach (var p in probes)
            if (ulong.TryParse(p.Address, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong a))
                try { _reads[a] = Convert.FromHexString(p.Hex); } catch (FormatException) { }
    }

    public bool TryCountPages(ulong start, ulong end, out PageCounts counts) => _pages.TryGetValue((start, end), out counts);

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!_reads.TryGetValue(address, out var bytes) || bytes.Length < destination.Length) return false;
        bytes.AsSpan(0, destination.Length).CopyTo(destination);
        return true;
    }
}
