using Memlens.Formats.Strace;
using static Memlens.Formats.Strace.StraceValues;

namespace Memlens.Core.Strace;

/// <summary>
/// Replays the address-space calls of an strace -f log: mmap, munmap, mprotect, mremap, brk, madvise, shmat/shmdt,
/// clone/clone3/fork/vfork and execve, per process (threads share one space; fork copies it; execve resets it).
/// </summary>
public sealed class StraceReplayer
{
    public const int MaxExitedKept = 16;
    public const ulong Page = 4096;
    private readonly Dictionary<int, ReplayedProcess> _byTid = [];
    private readonly List<ReplayedProcess> _processes = [];
    private readonly Dictionary<long, (long Key, ulong Size)> _shm = [];
    private readonly Action<TimelinePoint>? _timeline;

    public StraceReplayer(Action<TimelinePoint>? timeline = null) => _timeline = timeline;

    public IReadOnlyList<ReplayedProcess> Processes => _processes;
    public long DroppedExited { get; private set; }
    public List<string> Notes { get; } = [];

    public sealed record TimelinePoint(long Line, string? Time, int Pid, int Tid, string Call, long Delta, ulong Virtual, ulong Committed);

    public void Call(StraceCall c)
    {
        var proc = ProcessOf(c.Pid, c.Line);
        var tally = proc.Tally(c.Pid);
        tally.Calls++;
        proc.LastLine = c.Line;
        if (c.Failed) { tally.Failed++; return; }
        ulong before = proc.Space.Virtual, committedBefore = proc.Space.Committed;
        var by = new Provenance(c.Pid, c.Name, c.Line, c.Time);
        var a = c.Args;
        switch (c.Name)
        {
            case "mmap" or "mmap2" when a.Count >= 6 && c.ReturnValue is long ret:
                {
                    ulong start = unchecked((ulong)ret);
                    TryInteger(a[1], out long length);
                    long prot = Mask(a[2], ProtBits);
                    long flags = Mask(a[3], MapBits);
                    var (fd, path) = StraceValues.Fd(a[4]);
                    TryInteger(a[5], out long offset);
                    if (c.Name == "mmap2") offset *= (long)Page;
                    bool anonymous = (flags & 0x20) != 0 || fd < 0;   // MAP_ANONYMOUS
                    bool shared = (flags & 0x1) != 0;                   // MAP_SHARED
                    string name = anonymous ? (shared ? "/dev/zero (deleted)" : "") : path ?? $"fd {fd} (strace -y shows paths)";
                    var s = new Segment(start, start + Up((ulong)length), Perms(prot, shared), name, anonymous ? 0 : (ulong)offset, by, null);
                    proc.Space.Map(s);
                    tally.Mapped += s.Size;
                    if (!s.NoAccess) tally.Committed += s.Size;
                    break;
                }
            case "munmap" when a.Count >= 2 && TryAddress(a[0], out ulong addr) && TryInteger(a[1], out long len):
                tally.Unmapped += proc.Space.Unmap(addr, addr + Up((ulong)len));
                break;
            case "mprotect" or "pkey_mprotect" when a.Count >= 3 && TryAddress(a[0], out ulong addr) && TryInteger(a[1], out long len):
                {
                    var (up, down) = proc.Space.Protect(addr, addr + Up((ulong)len), Perms(Mask(a[2], ProtBits), false)[..3], by);
                    tally.Committed += up;
                    tally.Decommitted += down;
                    break;
                }
            case "mremap" when a.Count >= 3 && c.ReturnValue is long ret:
                Remap(proc, tally, a, unchecked((ulong)ret), by);
                break;
            case "brk" when a.Count >= 1 && c.ReturnValue is long ret:
                Brk(proc, tally, a[0], unchecked((ulong)ret), by);
                break;
            case "madvise" when a.Count >= 3 && TryInteger(a[1], out long len):
                if (a[2].Contains("MADV_DONTNEED", StringComparison.Ordinal) || a[2].Contains("MADV_FREE", StringComparison.Ordinal) || a[2] is "4" or "8")
                    tally.Released += Up((ulong)len);
                break;
            case "shmget" when a.Count >= 2 && c.ReturnValue is long id && TryInteger(a[0], out long key) && TryInteger(a[1], out long size):
                _shm[id] = (key, (ulong)size);
                break;
            case "shmat" when a.Count >= 1 && c.ReturnValue is long at && TryInteger(a[0], out long shmid):
                {
                    var (key, size) = _shm.TryGetValue(shmid, out var v) ? v : (0, Page);
                    if (!_shm.ContainsKey(shmid)) Notes.Add($"line {c.Line}: shmat of segment {shmid} whose shmget is not in the log; its size is unknown (one page assumed)");
                    bool ro = a.Count >= 3 && a[2].Contains("SHM_RDONLY", StringComparison.Ordinal);
                    var s = new Segment(unchecked((ulong)at), unchecked((ulong)at) + Up(size), ro ? "r--s" : "rw-s", $"/SYSV{key:x8} (deleted)", 0, by, null);
                    proc.Space.Map(s);
                    tally.Mapped += s.Size;
                    tally.Committed += s.Size;
                    break;
                }
            case "shmdt" when a.Count >= 1 && TryAddress(a[0], out ulong addr):
                if (proc.Space.Find(addr) is { } seg) tally.Unmapped += proc.Space.Unmap(seg.Start, seg.End);
                break;
            case "clone" or "clone3" or "fork" or "vfork" when c.ReturnValue is long child && child > 0:
                Clone(proc, c, (int)child);
                break;
            case "execve" or "execveat":
                Exec(proc, c);
                break;
        }
        proc.PeakVirtual = Math.Max(proc.PeakVirtual, proc.Space.Virtual);
        if (proc.Space.Segments.Count > StraceLimits.MaxLiveRegions)
            throw new MemlensException(ExitCode.BadInput, $"line {c.Line:N0}: process {proc.Pid} would have more than {StraceLimits.MaxLiveRegions:N0} mappings at once, beyond what the kernel allows (vm.max_map_count; docs/limits.md): not replayed further");
        if (_timeline is not null && (proc.Space.Virtual != before || proc.Space.Committed != committedBefore))
            _timeline(new TimelinePoint(c.Line, c.Time, proc.Pid, c.Pid, c.Name, (long)proc.Space.Virtual - (long)before, proc.Space.Virtual, proc.Space.Committed));
    }

    public void Event(StraceEvent e)
    {
        if (e.Kind != "exit" || !_byTid.TryGetValue(e.Pid, out var proc)) return;
        _byTid.Remove(e.Pid);
        if (e.Pid != proc.Pid) return;
        proc.Exited = true;
        proc.LastLine = e.Line;
        // Keep the last few exited processes whole; older ones are dropped so memory does not grow with the log.
        var exited = _processes.Where(p => p.Exited).ToList();
        if (exited.Count > MaxExitedKept)
        {
            _processes.Remove(exited[0]);
            DroppedExited++;
        }
    }

    private ReplayedProcess ProcessOf(int tid, long line)
    {
        if (_byTid.TryGetValue(tid, out var p)) return p;
        p = new ReplayedProcess(tid, new AddressSpace()) { FirstLine = line };
        _byTid[tid] = p;
        _processes.Add(p);
        return p;
    }

    private void Clone(ReplayedProcess parent, StraceCall c, int child)
    {
        string flagsText = c.Name == "clone3" ? Field(c.Args.FirstOrDefault() ?? "", "flags") ?? "" : c.Args.Select(x => Field(x, "flags")).FirstOrDefault(f => f is not null) ?? "";
        var flags = Flags(flagsText, CloneBits);
        bool vm = flags.Contains("CLONE_VM") || c.Name == "vfork";
        bool thread = vm && flags.Contains("CLONE_THREAD");
        if (thread)
        {
            _byTid[child] = parent;
            ulong? sp = null;
            if (c.Name == "clone" && c.Args.Select(x => Field(x, "child_stack")).FirstOrDefault(x => x is not null) is { } cs && TryAddress(cs, out ulong v) && v != 0) sp = v;
            if (c.Name == "clone3" && Field(c.Args[0], "stack") is { } st && Field(c.Args[0], "stack_size") is { } size && TryAddress(st, out ulong b) && TryAddress(size, out ulong n))
                sp = b + n - 1;
            if (sp is ulong value) parent.ThreadStacks[child] = value;
            return;
        }
        // A new process: fork copies the address space; vfork (CLONE_VM without CLONE_THREAD) shares it until execve.
        var p = new ReplayedProcess(child, vm ? parent.Space : parent.Space.Clone()) { FirstLine = c.Line, Exe = parent.Exe, BrkStart = parent.BrkStart };
        _byTid[child] = p;
        _processes.Add(p);
    }

    private void Exec(ReplayedProcess proc, StraceCall c)
    {
        proc.Space = new AddressSpace();
        proc.BrkStart = null;
        proc.ThreadStacks.Clear();
        proc.Exe = c.Args.Count > 0 ? c.Args[c.Name == "execveat" ? 1 : 0].Trim('"') : null;
        proc.FirstLine = c.Line;
    }

    private static void Brk(ReplayedProcess proc, ThreadTally tally, string arg, ulong result, Provenance by)
    {
        TryAddress(arg, out ulong requested);
        if (proc.BrkStart is null) { proc.BrkStart = result; return; }   // brk(NULL) at start-up: where the heap begins
        ulong start = proc.BrkStart.Value;
        ulong oldEnd = proc.Space.Find(start) is { Path: "[heap]" } heap ? heap.End : start;
        ulong newEnd = Math.Max(start, Up(result));
        if (requested == 0 || newEnd == oldEnd) return;
        if (newEnd > oldEnd)
        {
            proc.Space.Map(new Segment(start, newEnd, "rw-p", "[heap]", 0, proc.Space.Find(start)?.Created ?? by, by));
            tally.Mapped += newEnd - oldEnd;
            tally.Committed += newEnd - oldEnd;
        }
        else tally.Unmapped += proc.Space.Unmap(newEnd, oldEnd);
    }

    private static void Remap(ReplayedProcess proc, ThreadTally tally, IReadOnlyList<string> a, ulong result, Provenance by)
    {
        if (!TryAddress(a[0], out ulong old) || !TryInteger(a[1], out long oldLen) || !TryInteger(a[2], out long newLen)) return;
        ulong oldEnd = old + Up((ulong)oldLen), size = Up((ulong)newLen);
        var pieces = proc.Space.Segments.Where(s => s.End > old && s.Start < oldEnd).ToList();
        if (pieces.Count == 0) return;
        bool keep = a.Count >= 4 && Flags(a[3], MremapBits).Contains("MREMAP_DONTUNMAP");
        if (!keep || result == old) tally.Unmapped += proc.Space.Unmap(old, oldEnd);
        ulong at = result;
        foreach (var s in pieces)
        {
            ulong a0 = Math.Max(s.Start, old), b0 = Math.Min(s.End, oldEnd);
            ulong len = Math.Min(b0 - a0, result + size - at);
            if (len == 0) break;
            proc.Space.Map(s with { Start = at, End = at + len, Offset = s.Offset + (a0 - s.Start), Changed = by });
            at += len;
        }
        if (at < result + size) proc.Space.Map(pieces[^1] with { Start = at, End = result + size, Changed = by });
        tally.Mapped += size;
    }

    /// <summary>"flags=CLONE_VM|…" inside an argument (clone's keyword args, clone3's struct).</summary>
    private static string? Field(string text, string name)
    {
        int at = text.IndexOf(name + "=", StringComparison.Ordinal);
        while (at > 0 && char.IsLetterOrDigit(text[at - 1]) || at > 0 && text[at - 1] == '_') at = text.IndexOf(name + "=", at + 1, StringComparison.Ordinal);
        if (at < 0) return null;
        int start = at + name.Length + 1, end = start;
        while (end < text.Length && text[end] is not (',' or '}')) end++;
        return text[start..end].Trim();
    }

    private static readonly string[] PrivatePerms = ["---p", "r--p", "-w-p", "rw-p", "--xp", "r-xp", "-wxp", "rwxp"];
    private static readonly string[] SharedPerms = ["---s", "r--s", "-w-s", "rw-s", "--xs", "r-xs", "-wxs", "rwxs"];

    /// <summary>maps-style permissions from PROT_READ=1, PROT_WRITE=2, PROT_EXEC=4, without building a string per call.</summary>
    private static string Perms(long prot, bool shared) => (shared ? SharedPerms : PrivatePerms)[prot & 7];

    private static ulong Up(ulong n) => (n + Page - 1) & ~(Page - 1);
}
