namespace Memlens.Core.Strace;

/// <summary>A mapping in a replayed address space.</summary>
public sealed record Segment(ulong Start, ulong End, string Perms, string Path, ulong Offset, Provenance Created, Provenance? Changed)
{
    public ulong Size => End - Start;
    public bool NoAccess => Perms.StartsWith("---", StringComparison.Ordinal);
}

/// <summary>
/// The address space as an ordered set of non-overlapping segments, with the kernel's operations: map (replacing
/// whatever it overlaps, as MAP_FIXED does), unmap, and change protection — each splitting segments at its edges.
/// </summary>
public sealed class AddressSpace
{
    private readonly List<Segment> _segments = [];
    private readonly List<Segment> _changed = [];   // Protect's pieces, kept between calls

    public IReadOnlyList<Segment> Segments => _segments;
    public ulong Virtual { get; private set; }
    public ulong Committed { get; private set; }   // accessible bytes (not ---)

    public AddressSpace Clone()
    {
        var copy = new AddressSpace();
        copy._segments.AddRange(_segments);
        copy.Virtual = Virtual;
        copy.Committed = Committed;
        return copy;
    }

    public void Map(Segment s)
    {
        Unmap(s.Start, s.End);
        int i = LowerBound(s.Start);
        _segments.Insert(i, s);
        Count(s, +1);
    }

    /// <summary>Removes [start, end); returns the bytes removed.</summary>
    public ulong Unmap(ulong start, ulong end)
    {
        ulong removed = 0;
        int i = FirstOverlap(start);
        while (i < _segments.Count && _segments[i].Start < end)
        {
            var s = _segments[i];
            _segments.RemoveAt(i);
            Count(s, -1);
            ulong a = Math.Max(s.Start, start), b = Math.Min(s.End, end);
            removed += b - a;
            if (s.Start < start) { var left = s with { End = start }; _segments.Insert(i++, left); Count(left, +1); }
            if (s.End > end) { var right = s with { Start = end, Offset = s.Offset + (end - s.Start) }; _segments.Insert(i++, right); Count(right, +1); }
        }
        return removed;
    }

    /// <summary>Sets the permissions of [start, end) (mprotect); returns (bytes made accessible, bytes made inaccessible).</summary>
    public (ulong Committed, ulong Decommitted) Protect(ulong start, ulong end, string rwx, Provenance by)
    {
        ulong up = 0, down = 0;
        var changed = _changed;
        changed.Clear();
        int i = FirstOverlap(start);
        while (i < _segments.Count && _segments[i].Start < end)
        {
            var s = _segments[i];
            ulong a = Math.Max(s.Start, start), b = Math.Min(s.End, end);
            string perms = s.Perms.AsSpan(0, 3).SequenceEqual(rwx) ? s.Perms : WithAccess(s.Perms, rwx);
            if (s.NoAccess && rwx != "---") up += b - a;
            if (!s.NoAccess && rwx == "---") down += b - a;
            changed.Add(s with { Start = a, End = b, Perms = perms, Offset = s.Offset + (a - s.Start), Changed = by });
            i++;
        }
        foreach (var c in changed) Map(c);
        return (up, down);
    }

    /// <summary>maps-style permissions for PROT_READ=1, PROT_WRITE=2, PROT_EXEC=4: one shared string each.</summary>
    public static string Perms(long prot, bool shared) => (shared ? SharedPerms : PrivatePerms)[prot & 7];

    /// <summary>The "rwx" part of <see cref="Perms"/>.</summary>
    public static string Access(long prot) => AccessOnly[prot & 7];

    private static readonly string[] AccessOnly = ["---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"];
    private static readonly string[] PrivatePerms = ["---p", "r--p", "-w-p", "rw-p", "--xp", "r-xp", "-wxp", "rwxp"];
    private static readonly string[] SharedPerms = ["---s", "r--s", "-w-s", "rw-s", "--xs", "r-xs", "-wxs", "rwxs"];

    private static string WithAccess(string perms, string rwx)
    {
        int i = Array.IndexOf(AccessOnly, rwx);
        return i < 0 ? rwx + perms[3] : (perms[3] == 's' ? SharedPerms : PrivatePerms)[i];
    }

    public Segment? Find(ulong address)
    {
        int i = FirstOverlap(address);
        return i < _segments.Count && _segments[i].Start <= address && address < _segments[i].End ? _segments[i] : null;
    }

    private void Count(Segment s, int sign)
    {
        if (sign > 0) { Virtual += s.Size; if (!s.NoAccess) Committed += s.Size; }
        else { Virtual -= s.Size; if (!s.NoAccess) Committed -= s.Size; }
    }

    /// <summary>Index of the first segment with Start ≥ address.</summary>
    private int LowerBound(ulong address)
    {
        int lo = 0, hi = _segments.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_segments[mid].Start < address) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Index of the first segment that ends after address.</summary>
    private int FirstOverlap(ulong address)
    {
        int i = LowerBound(address);
        return i > 0 && _segments[i - 1].End > address ? i - 1 : i;
    }
}
