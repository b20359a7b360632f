using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Memlens.Formats.Strace;

namespace Memlens.Core.Strace;

/// <summary>
/// Reads an strace log in blocks of whole lines and scans each block on a thread of its own while the caller replays
/// the blocks before it: most lines (reads, writes, futexes) are dropped by the scan, so the caller sees only the lines
/// that matter, in order, with their line numbers. Memory is a few blocks, whatever the log's length.
/// </summary>
public sealed class StraceBlocks(Stream stream, string path)
{
    public const int BlockBytes = 1 << 20;

    /// <summary>
    /// One line kept by the scan: where it is in its block and its 1-based number there; for a call, where its arguments
    /// are (found by the scan too, in <see cref="Block.Args"/> from <paramref name="ArgsFrom"/>).
    /// </summary>
    public readonly record struct Kept(StraceLine Line, int Offset, int Number, StraceCallShape? Shape = null, int ArgsFrom = 0);

    public sealed class Block
    {
        public byte[] Data = new byte[BlockBytes];
        public int Length;
        /// <summary>The block holds the log's last line, which had no newline.</summary>
        public bool EndsCut;
        public int Lines;
        /// <summary>The 1-based number, in this block, of a line holding a NUL byte; 0 when none does.</summary>
        public int NulLine;
        /// <summary>Bytes of the log read up to the end of this block.</summary>
        public long ReadUpTo;
        /// <summary>Why reading stopped before this block (the consumer rethrows it in its place).</summary>
        public Exception? Error;
        public readonly List<Kept> Kept = [];
        public Range[] Args = new Range[4096];
        public int ArgsUsed;
        public ReadOnlySpan<byte> Line(in Kept k) => Data.AsSpan(k.Offset, k.Line.Length);
        public ReadOnlySpan<Range> ArgsOf(in Kept k) => k.Shape is { } shape ? Args.AsSpan(k.ArgsFrom, shape.ArgCount) : default;
    }

    /// <summary>Blocks scanned ahead of the replay: enough to keep both threads busy, few enough to stay small.</summary>
    private const int Ahead = 3;
    private readonly ConcurrentQueue<Block> _free = new();
    private byte[] _carry = new byte[BlockBytes];
    private int _carried;
    private bool _eof;
    private long _read;
    private long _linesBefore;   // lines in the blocks scanned, for the number of a line too long to read

    /// <summary>The blocks of the log in order, each scanned; a block is reused once the next one is asked for.</summary>
    public IEnumerable<Block> Scanned()
    {
        var ready = new BlockingCollection<Block>(Ahead);
        var stop = new CancellationTokenSource();
        var producer = new Thread(() => Produce(ready, stop.Token)) { IsBackground = true, Name = "strace scan" };
        producer.Start();
        Block? previous = null;
        try
        {
            foreach (var block in ready.GetConsumingEnumerable())
            {
                if (block.Error is { } error) ExceptionDispatchInfo.Throw(error);
                if (previous is not null) _free.Enqueue(previous);
                previous = block;
                yield return block;
            }
        }
        finally
        {
            // A reader blocked on a pipe cannot be woken: it is left to end with the process, its queue undisposed.
            stop.Cancel();
            if (producer.Join(TimeSpan.FromSeconds(1)))
            {
                ready.Dispose();
                stop.Dispose();
            }
        }
    }

    /// <summary>Reads and scans blocks until the log ends, an error (handed on in its place) or the caller stops.</summary>
    private void Produce(BlockingCollection<Block> ready, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && NextBlock() is { } block)
            {
                Scan(block);
                _linesBefore += block.Lines;   // counted by the scan (up to a NUL byte, where reading stops anyway)
                ready.Add(block, stop);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !stop.IsCancellationRequested)
        {
            try { ready.Add(new Block { Data = [], Error = e }, stop); }
            catch (OperationCanceledException) { }
        }
        catch (OperationCanceledException) { }   // the caller stopped reading
        finally { ready.CompleteAdding(); }
    }

    /// <summary>Fills a block with whole lines: what was left from the last read, then as much as ends in a newline.</summary>
    private Block? NextBlock()
    {
        if (_eof && _carried == 0) return null;
        var block = _free.TryDequeue(out var free) ? free : new Block();
        if (block.Data.Length < _carry.Length) block.Data = new byte[_carry.Length];
        _carry.AsSpan(0, _carried).CopyTo(block.Data);
        int filled = _carried;
        _carried = 0;
        while (true)
        {
            while (!_eof && filled < block.Data.Length)
            {
                int n = stream.Read(block.Data, filled, block.Data.Length - filled);
                if (n == 0) _eof = true;
                filled += n;
                _read += n;
            }
            block.ReadUpTo = _read;
            if (_eof)
            {
                block.Length = filled;
                block.EndsCut = filled > 0 && block.Data[filled - 1] != '\n';
                return filled > 0 ? block : null;
            }
            int last = block.Data.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (last >= 0)
            {
                block.Length = last + 1;
                block.EndsCut = false;
                _carried = filled - block.Length;
                if (_carry.Length < _carried) _carry = new byte[block.Data.Length];
                block.Data.AsSpan(block.Length, _carried).CopyTo(_carry);
                return block;
            }
            // One line longer than the block: grow it, up to the limit of a line.
            if (block.Data.AsSpan(0, filled).Contains((byte)0)) throw NulByte(path, _linesBefore + 1);
            if (block.Data.Length >= StraceLimits.MaxLineBytes)
                throw new MemlensException(ExitCode.BadInput, $"{path}: line {_linesBefore + 1:N0} is longer than {StraceLimits.MaxLineBytes >> 20} MiB (the limit of one strace line; docs/limits.md): not an strace log");
            Array.Resize(ref block.Data, block.Data.Length * 2);
        }
    }

    /// <summary>A call's arguments, found on the scanning thread so that the replay only reads them.</summary>
    private static Kept Shaped(Block block, in StraceLine line, int start, int number)
    {
        var body = line.Body(block.Data.AsSpan(start, line.Length));
        if (block.Args.Length - block.ArgsUsed < 64) Array.Resize(ref block.Args, block.Args.Length * 2);
        var room = block.Args.AsSpan(block.ArgsUsed);
        if (!StraceCallShape.TryFind(body, room, out var shape) || shape.ArgCount > room.Length) return new Kept(line, start, number);
        var kept = new Kept(line, start, number, shape, block.ArgsUsed);
        block.ArgsUsed += shape.ArgCount;
        return kept;
    }

    /// <summary>strace output is text: a NUL byte says the file is something else.</summary>
    public static MemlensException NulByte(string path, long line) =>
        new(ExitCode.BadInput, $"{path}: not an strace log (it holds binary data: a NUL byte on line {line:N0})");

    /// <summary>Splits a block into lines and keeps those that change any state of the reading (not a plain skip).</summary>
    private static void Scan(Block block)
    {
        block.Kept.Clear();
        block.NulLine = 0;
        block.ArgsUsed = 0;
        var data = block.Data.AsSpan(0, block.Length);
        int nul = data.IndexOf((byte)0);
        int start = 0, number = 0;
        while (start < data.Length)
        {
            int nl = data[start..].IndexOf((byte)'\n');
            int end = nl < 0 ? data.Length : start + nl;
            number++;
            if (nul >= 0 && nul <= end) { block.NulLine = number; break; }
            var line = StraceLine.Scan(data[start..end]);
            if (line.Kind == StraceLineKind.Call) block.Kept.Add(Shaped(block, line, start, number));
            else if (line.Kind is not (StraceLineKind.Skip or StraceLineKind.Empty) || line.RelativeTime)
                block.Kept.Add(new Kept(line, start, number));
            start = end + 1;
        }
        block.Lines = number;
    }
}
