namespace Memlens.Formats.Strace;

/// <summary>One completed system call from an strace log (an unfinished/resumed pair joined into one).</summary>
public sealed record StraceCall(
    int Pid,             // the thread that made the call ([pid N] or the leading pid; the traced pid when absent)
    long Line,           // 1-based line number where the call completed
    string? Time,        // the timestamp as printed (-t, -tt, -ttt, -r), if any
    double? Seconds,     // that timestamp in seconds (since midnight for -t/-tt, since the epoch for -ttt, cumulative for -r)
    string Name,         // mmap, munmap, mprotect, …
    IReadOnlyList<string> Args,
    string Result,       // "0x7f…", "0", "-1 ENOMEM (Cannot allocate memory)", "?"
    IReadOnlyList<string> Stack)   // -k frames, kept as provenance
{
    /// <summary>The return value as a number; null for "?" or an error.</summary>
    public long? ReturnValue => !Failed && StraceValues.TryInteger(ResultValueText, out long v) ? v : null;
    public bool Failed => Result.StartsWith("-1 ", StringComparison.Ordinal) || Result.StartsWith("-1\t", StringComparison.Ordinal);
    private ReadOnlySpan<char> ResultValueText => Result.IndexOf(' ') is int space and >= 0 ? Result.AsSpan(0, space) : Result;
}

/// <summary>Something other than a call: a signal, an exit, a line that could not be read.</summary>
public sealed record StraceEvent(int Pid, long Line, string Kind, string Text);
