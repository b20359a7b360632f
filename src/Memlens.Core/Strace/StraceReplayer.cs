using Memlens.Formats.Strace;
using Memlens.Formats.Text;
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
    private readonly Utf8StringCache _paths = new();
    private readonly FlagMaskCache _prot = new(ProtNames), _map = new(MapNames);
    private (int Tid, ReplayedProcess Process, ThreadTally? Tally)? _last;

    public StraceReplayer(Action<TimelinePoint>? timeline = null) => _timeline = timeline;

    public IReadOnlyList<ReplayedProcess> Processes => _processes;
    public long DroppedExited { get; private set; }
    public List<string> Notes { get; } = [];

    public sealed record TimelinePoint(long Line, string? Time, int Pid, int Tid, string Call, long Delta, ulong Virtual, ulong Committed);

    public void Call(StraceCallSpan c)
    {
        // Calls come in runs from one thread: its process and tally are looked up once a run.
        if (_last is not { } last || last.Tid != c.Pid) _last = last = (c.Pid, ProcessOf(c.Pid, c.Line), null!);
        var proc = last.Process;
        var tally = last.Tally ?? proc.Tally(c.Pid);
        _last = last with { Tally = tally };
        tally.Calls++;
        proc.LastLine = c.Line;
        if (c.Failed) { tally.Failed++; return; }
        ulong before = proc.Space.Virtual, committedBefore = proc.Space.Committed;
        int n = c.ArgCount;
        switch (c.Call)
        {
            case StraceCallKind.Mmap or StraceCallKind.Mmap2 when n >= 6 && c.ReturnValue is long ret:
                {
                    ulong start = unchecked((ulong)ret);
                    TryInteger(c.Arg(1), out long length);
                    long prot = _prot.Mask(c.Arg(2));
                    long flags = _map.Mask(c.Arg(3));
                    long fd = StraceValues.Fd(c.Arg(4), out var path);
                    TryInteger(c.Arg(5), out long offset);
                    if (c.Call == StraceCallKind.Mmap2) offset *= (long)Page;
                    bool anonymous = (flags & 0x20) != 0 || fd < 0;   // MAP_ANONYMOUS
                    bool shared = (flags & 0x1) != 0;                   // MAP_SHARED
                    string name = anonymous ? (shared ? "/dev/zero (deleted)" : "") : !path.IsEmpty ? _paths.Get(path) : $"fd {fd} (strace -y shows paths)";
                    var s = new Segment(start, start + Up((ulong)length), Perms(prot, shared), name, anonymous ? 0 : (ulong)offset, By(c), null);
                    proc.Space.Map(s);
                    tally.Mapped += s.Size;
                    if (!s.NoAccess) tally.Committed += s.Size;
                    break;
                }
            case StraceCallKind.Munmap when n >= 2 && TryAddress(c.Arg(0), out ulong addr) && TryInteger(c.Arg(1), out long len):
                tally.Unmapped += proc.Space.Unmap(addr, addr + Up((ulong)len));
                break;
            case StraceCallKind.Mprotect or StraceCallKind.PkeyMprotect when n >= 3 && TryAddress(c.Arg(0), out ulong addr) && TryInteger(c.Arg(1), out long len):
                {
                    var (up, down) = proc.Space.Protect(addr, addr + Up((ulong)len), AddressSpace.Access(_prot.Mask(c.Arg(2))), By(c));
                    tally.Committed += up;
                    tally.Decommitted += down;
                    break;
                }
            case StraceCallKind.Mremap when n >= 3 && c.ReturnValue is long ret:
                Remap(proc, tally, c, unchecked((ulong)ret), By(c));
                break;
            case StraceCallKind.Brk when n >= 1 && c.ReturnValue is long ret:
                Brk(proc, tally, c.Arg(0), unchecked((ulong)ret), By(c));
                break;
            case StraceCallKind.Madvise when n >= 3 && TryInteger(c.Arg(1), out long len):
                if (c.Arg(2).IndexOf("MADV_DONTNEED"u8) >= 0 || c.Arg(2).IndexOf("MADV_FREE"u8) >= 0 || c.Arg(2).SequenceEqual("4"u8) || c.Arg(2).SequenceEqual("8"u8))
                    tally.Released += Up((ulong)len);
                break;
            case StraceCallKind.Shmget when n >= 2 && c.ReturnValue is long id && TryInteger(c.Arg(0), out long key) && TryInteger(c.Arg(1), out long size):
                _shm[id] = (key, (ulong)size);
                break;
            case StraceCallKind.Shmat when n >= 1 && c.ReturnValue is long at && TryInteger(c.Arg(0), out long shmid):
                {
                    var (key, size) = _shm.TryGetValue(shmid, out var v) ? v : (0, Page);
                    if (!_shm.ContainsKey(shmid)) Notes.Add($"line {c.Line}: shmat of segment {shmid} whose shmget is not in the log; its size is unknown (one page assumed)");
                    bool ro = n >= 3 && c.Arg(2).IndexOf("SHM_RDONLY"u8) >= 0;
                    var s = new Segment(unchecked((ulong)at), unchecked((ulong)at) + Up(size), ro ? "r--s" : "rw-s", $"/SYSV{key:x8} (deleted)", 0, By(c), null);
                    proc.Space.Map(s);
                    tally.Mapped += s.Size;
                    tally.Committed += s.Size;
                    break;
                }
            case StraceCallKind.Shmdt when n >= 1 && TryAddress(c.Arg(0), out ulong addr):
                if (proc.Space.Find(addr) is { } seg) tally.Unmapped += proc.Space.Unmap(seg.Start, seg.End);
                break;
            case StraceCallKind.Clone or StraceCallKind.Clone3 or StraceCallKind.Fork or StraceCallKind.Vfork when c.ReturnValue is long child && child > 0:
                Clone(proc, c, (int)child);
                break;
            case StraceCallKind.Execve or StraceCallKind.Execveat:
                Exec(proc, c);
                break;
        }
        proc.PeakVirtual = Math.Max(proc.PeakVirtual, proc.Space.Virtual);
        if (proc.Space.Segments.Count > StraceLimits.MaxLiveRegions)
            throw new MemlensException(ExitCode.BadInput, $"line {c.Line:N0}: process {proc.Pid} would have more than {StraceLimits.MaxLiveRegions:N0} mappings at once, beyond what the kernel allows (vm.max_map_count; docs/limits.md): not replayed further");
        if (_timeline is not null && (proc.Space.Virtual != before || proc.Space.Committed != committedBefore))
            _timeline(new TimelinePoint(c.Line, c.Time, proc.Pid, c.Pid, c.Name, (long)proc.Space.Virtual - (long)before, proc.Space.Virtual, proc.Space.Committed));
    }

    private static Provenance By(StraceCallSpan c) => new(c.Pid, c.Name, c.Line, new LogTime(c.TimeText));

    public void Event(StraceEvent e)
    {
        if (e.Kind != "exit" || !_byTid.TryGetValue(e.Pid, out var proc)) return;
        _byTid.Remove(e.Pid);
        _last = null;
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

    private void Clone(ReplayedProcess parent, StraceCallSpan c, int child)
    {
        // clone's flags are one of its keyword arguments; clone3's are a field of its struct, the first argument.
        int searched = c.Call == StraceCallKind.Clone3 ? Math.Min(1, c.ArgCount) : c.ArgCount;
        ReadOnlySpan<byte> flagsText = default;
        for (int i = 0; i < searched && flagsText.IsEmpty; i++) flagsText = Field(c.Arg(i), "flags"u8);
        long flags = Mask(flagsText, CloneNames);
        bool vm = (flags & 0x100) != 0 || c.Call == StraceCallKind.Vfork;   // CLONE_VM
        bool thread = vm && (flags & 0x10000) != 0;                            // CLONE_THREAD
        if (thread)
        {
            _last = null;
            _byTid[child] = parent;
            ulong? sp = null;
            if (c.Call == StraceCallKind.Clone)
                for (int i = 0; i < c.ArgCount && sp is null; i++)
                    if (Field(c.Arg(i), "child_stack"u8) is { IsEmpty: false } cs && TryAddress(cs, out ulong v)) sp = v != 0 ? v : null;
            if (c.Call == StraceCallKind.Clone3 && c.ArgCount > 0 && TryAddress(Field(c.Arg(0), "stack"u8), out ulong b) && TryAddress(Field(c.Arg(0), "stack_size"u8), out ulong n))
                sp = b + n - 1;
            if (sp is ulong value) parent.ThreadStacks[child] = value;
            return;
        }
        // A new process: fork copies the address space; vfork (CLONE_VM without CLONE_THREAD) shares it until execve.
        var p = new ReplayedProcess(child, vm ? parent.Space : parent.Space.Clone()) { FirstLine = c.Line, Exe = parent.Exe, BrkStart = parent.BrkStart };
        _last = null;
        _byTid[child] = p;
        _processes.Add(p);
    }

    private static void Exec(ReplayedProcess proc, StraceCallSpan c)
    {
        proc.Space = new AddressSpace();
        proc.BrkStart = null;
        proc.ThreadStacks.Clear();
        int path = c.Call == StraceCallKind.Execveat ? 1 : 0;
        proc.Exe = c.ArgCount > path ? c.ArgString(path).Trim('"') : null;
        proc.FirstLine = c.Line;
    }

    private static void Brk(ReplayedProcess proc, ThreadTally tally, ReadOnlySpan<byte> arg, ulong result, Provenance by)
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

    private static void Remap(ReplayedProcess proc, ThreadTally tally, StraceCallSpan c, ulong result, Provenance by)
    {
        if (!TryAddress(c.Arg(0), out ulong old) || !TryInteger(c.Arg(1), out long oldLen) || !TryInteger(c.Arg(2), out long newLen)) return;
        ulong oldEnd = old + Up((ulong)oldLen), size = Up((ulong)newLen);
        var pieces = proc.Space.Segments.Where(s => s.End > old && s.Start < oldEnd).ToList();
        if (pieces.Count == 0) return;
        bool keep = c.ArgCount >= 4 && (Mask(c.Arg(3), MremapNames) & 4) != 0;   // MREMAP_DONTUNMAP
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

    /// <summary>"flags=CLONE_VM|…" inside an argument (clone's keyword args, clone3's struct); empty when absent.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name)
    {
        int from = 0;
        while (true)
        {
            int at = text[from..].IndexOf(name);
            if (at < 0) return default;
            at += from;
            int value = at + name.Length;
            bool wordStart = at == 0 || !(char.IsAsciiLetterOrDigit((char)text[at - 1]) || text[at - 1] == '_');
            if (wordStart && value < text.Length && text[value] == '=')
            {
                int end = value + 1;
                while (end < text.Length && text[end] is not ((byte)',' or (byte)'}')) end++;
                return text[(value + 1)..end].Trim((byte)' ');
            }
            from = at + 1;
        }
    }

    private static string Perms(long prot, bool shared) => AddressSpace.Perms(prot, shared);

    private static ulong Up(ulong n) => (n + Page - 1) & ~(Page - 1);
}
