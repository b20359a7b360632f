using System.Buffers.Text;
using System.Text;

namespace Memlens.Formats.Strace;

/// <summary>Told each completed address-space call, as the bytes of its line (valid only during the call).</summary>
public delegate void StraceCallHandler(StraceCallSpan call);

/// <summary>
/// Reads `strace -f` output as people produce it: with or without [pid N] / leading pids, -t/-tt/-ttt/-r times,
/// -T durations, -y fd paths, -X raw/verbose, -k stacks; joins &lt;unfinished ...&gt; with &lt;... resumed&gt; per
/// thread; reports signals, exits and unreadable lines; tolerates a last line cut short. Only the calls that change
/// an address space are taken further: every other line is skipped once <see cref="StraceLine.Scan"/> has named it,
/// which is why a log can be scanned in parallel and only its kept lines handed here, in order, with
/// <see cref="Take"/>.
/// </summary>
public sealed class StraceParser(StraceCallHandler onCall, Action<StraceEvent>? onEvent = null)
{
    public static IReadOnlyList<string> MemoryCalls => StraceCallNames.All;

    private const int MaxFrames = 64;
    private readonly Dictionary<int, Pending> _pending = [];
    private readonly Stack<Pending> _free = new();
    private readonly List<string> _stack = [];
    private (int Pid, long Line)? _stackOwner;
    private long _stackLine;
    private long _line;
    private double _relative;

    public long Lines => _line;
    public long Garbage { get; private set; }
    /// <summary>The pid to use for lines without one (a log of a single process).</summary>
    public int DefaultPid { get; set; }

    /// <summary>The next line of the log.</summary>
    public void Line(ReadOnlySpan<byte> raw) => Take(raw, StraceLine.Scan(raw), _line + 1);

    /// <summary>Lines up to <paramref name="line"/> were read and skipped (<see cref="StraceLineKind.Skip"/>, without a -r time).</summary>
    public void SkipTo(long line) => _line = line;

    /// <summary>
    /// Line number <paramref name="number"/> of the log, scanned; the lines before it were given or skipped. A Call line
    /// may come with its <paramref name="shape"/> and <paramref name="args"/> found already (by a thread that scanned it).
    /// </summary>
    public void Take(ReadOnlySpan<byte> raw, in StraceLine line, long number, StraceCallShape? shape = null, ReadOnlySpan<Range> args = default)
    {
        _line = number;
        raw = raw[..line.Length];
        if (line.Kind == StraceLineKind.Empty) return;
        if (line.Kind == StraceLineKind.Stack)
        {
            // Frames follow the call they belong to, line after line; frames of a skipped call are dropped.
            if (_stackOwner is not null && number == _stackLine + 1 && _stack.Count < MaxFrames)
            {
                _stack.Add(Encoding.UTF8.GetString(line.Body(raw)).Trim());
                _stackLine = number;
            }
            return;
        }
        FlushStack();
        int pid = line.Pid == StraceLine.NoPid ? DefaultPid : line.Pid;
        var time = line.Time(raw);
        if (line.RelativeTime && Utf8Parser.TryParse(time, out double delta, out _)) _relative += delta;   // -r: every line's delta adds up
        double? seconds = line.RelativeTime ? _relative : null;   // absolute times are read only when asked for
        switch (line.Kind)
        {
            case StraceLineKind.Garbage:
                Bad(raw);
                return;
            case StraceLineKind.Exit:
                onEvent?.Invoke(new StraceEvent(pid, _line, "exit", Encoding.UTF8.GetString(line.Body(raw))));
                Forget(pid);
                return;
            case StraceLineKind.Signal:
                onEvent?.Invoke(new StraceEvent(pid, _line, "signal", Encoding.UTF8.GetString(line.Body(raw))));
                return;
            case StraceLineKind.OtherUnfinished:
                if (_pending.Count > 0) Forget(pid);
                return;
            case StraceLineKind.Resumed:
                Resumed(pid, line.Call, line.Body(raw));
                return;
            case StraceLineKind.Unfinished:
                Unfinished(pid, line.Call, line.Body(raw), time, seconds);
                return;
            case StraceLineKind.Call:
                if (shape is { } found) Deliver(pid, line.Call, line.Body(raw), time, seconds, found, args);
                else Complete(pid, line.Call, line.Body(raw), time, seconds);
                return;
        }
    }

    /// <summary>Ends the log: calls still unfinished are reported, not replayed.</summary>
    public void End(bool lastLineCut)
    {
        FlushStack();
        foreach (var (pid, p) in _pending)
            onEvent?.Invoke(new StraceEvent(pid, _line, "unfinished", $"{StraceCallNames.All[(int)p.Call]} never completed in the log (the process was killed, or the log was cut)"));
        _pending.Clear();
        if (lastLineCut) onEvent?.Invoke(new StraceEvent(DefaultPid, _line, "cut", "the log's last line was cut short; it was read as far as it goes"));
    }

    private void Unfinished(int pid, StraceCallKind call, ReadOnlySpan<byte> body, ReadOnlySpan<byte> time, double? seconds)
    {
        var started = body[..^"<unfinished ...>".Length];
        while (!started.IsEmpty && StraceCallSpan.IsSpace(started[^1])) started = started[..^1];
        // An unmap takes effect while the call is in the kernel, and another thread's mmap that resumes first may
        // already reuse the space it frees. Its arguments are complete at the start, so it is replayed there.
        bool applied = call is StraceCallKind.Munmap or StraceCallKind.Shmdt;
        if (applied)
        {
            var p = Rent(call, true, time, seconds);
            p.Append(started);
            p.Append(") = 0"u8);
            Complete(pid, call, p.Body, p.Time, seconds);
            p.Reset(call, true, time, seconds);
            Forget(pid);
            _pending[pid] = p;
            return;
        }
        if (_pending.Count >= StraceLimits.MaxPending && !_pending.ContainsKey(pid)) return;
        var pending = Rent(call, false, time, seconds);
        pending.Append(started);
        Forget(pid);
        _pending[pid] = pending;
    }

    private void Resumed(int pid, StraceCallKind call, ReadOnlySpan<byte> tail)
    {
        string name = StraceCallNames.All[(int)call];
        if (_pending.TryGetValue(pid, out var applied) && applied.Applied && applied.Call == call)
        {
            Forget(pid);
            if (tail.IndexOf(" = -1 "u8) >= 0)
                onEvent?.Invoke(new StraceEvent(pid, _line, "failed-after-applied", $"{name} was replayed at its start but failed:{Encoding.UTF8.GetString(tail)}"));
            return;
        }
        if (!_pending.Remove(pid, out var start) || start.Call != call || start.Applied)
        {
            if (start is not null) _free.Push(start);
            onEvent?.Invoke(new StraceEvent(pid, _line, "orphan", $"{name} resumed without its start (the log begins mid-call, or its start was cut)"));
            return;
        }
        start.Append(tail);
        Complete(pid, call, start.Body, start.Time, start.Seconds);
        _free.Push(start);
    }

    private void Complete(int pid, StraceCallKind call, ReadOnlySpan<byte> text, ReadOnlySpan<byte> time, double? seconds)
    {
        Span<Range> ranges = stackalloc Range[16];
        if (!StraceCallShape.TryFind(text, ranges, out var shape))
        {
            Bad(Encoding.UTF8.GetBytes(StraceCallNames.All[(int)call] + "(" + Encoding.UTF8.GetString(text)));
            return;
        }
        if (shape.ArgCount > ranges.Length) StraceCallSpan.SplitArgs(text[..shape.ArgsLength], ranges = new Range[shape.ArgCount]);
        Deliver(pid, call, text, time, seconds, shape, ranges[..shape.ArgCount]);
    }

    private void Deliver(int pid, StraceCallKind call, ReadOnlySpan<byte> text, ReadOnlySpan<byte> time, double? seconds, StraceCallShape shape, ReadOnlySpan<Range> args)
    {
        _stack.Clear();
        _stackOwner = (pid, _line);
        _stackLine = _line;
        onCall(new StraceCallSpan
        {
            Pid = pid,
            Line = _line,
            TimeText = time,
            RelativeSeconds = seconds,
            Call = call,
            Name = StraceCallNames.All[(int)call],
            ArgsText = text[..shape.ArgsLength],
            ArgRanges = args,
            Result = text.Slice(shape.ResultAt, shape.ResultLength),
        });
    }

    private void FlushStack()
    {
        if (_stackOwner is not { } owner) return;
        _stackOwner = null;
        if (_stack.Count == 0) return;
        // Frames arrive after the call was delivered; they are attached for provenance only.
        onEvent?.Invoke(new StraceEvent(owner.Pid, owner.Line, "stack", string.Join(" < ", _stack)));
        _stack.Clear();
    }

    private void Bad(ReadOnlySpan<byte> raw)
    {
        Garbage++;
        if (Garbage <= 20) onEvent?.Invoke(new StraceEvent(DefaultPid, _line, "garbage", Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 120)])));
    }

    private void Forget(int pid)
    {
        if (_pending.Remove(pid, out var p)) _free.Push(p);
    }

    private Pending Rent(StraceCallKind call, bool applied, ReadOnlySpan<byte> time, double? seconds)
    {
        var p = _free.Count > 0 ? _free.Pop() : new Pending();
        p.Reset(call, applied, time, seconds);
        return p;
    }

    /// <summary>A call left unfinished: its time and the text so far, in a buffer used again once it completes.</summary>
    private sealed class Pending
    {
        private byte[] _bytes = new byte[256];
        private int _timeLength, _length;

        public StraceCallKind Call { get; private set; }
        public bool Applied { get; private set; }
        public double? Seconds { get; private set; }
        public ReadOnlySpan<byte> Time => _bytes.AsSpan(0, _timeLength);
        public ReadOnlySpan<byte> Body => _bytes.AsSpan(_timeLength, _length - _timeLength);

        public void Reset(StraceCallKind call, bool applied, ReadOnlySpan<byte> time, double? seconds)
        {
            (Call, Applied, Seconds, _length) = (call, applied, seconds, 0);
            Append(time);
            _timeLength = time.Length;
        }

        public void Append(ReadOnlySpan<byte> text)
        {
            if (_length + text.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + text.Length));
            text.CopyTo(_bytes.AsSpan(_length));
            _length += text.Length;
        }
    }
}
