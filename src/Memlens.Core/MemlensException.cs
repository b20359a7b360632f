namespace Memlens.Core;

/// <summary>A user-facing failure: one clear line and a distinct exit code, never a stack trace.</summary>
public sealed class MemlensException(ExitCode code, string message) : Exception(message)
{
    public ExitCode Code { get; } = code;
}

/// <summary>Exit codes, documented in the README. Each failure class has its own.</summary>
public enum ExitCode
{
    Ok = 0,
    Failure = 1,
    Usage = 2,
    NoSuchProcess = 3,
    PermissionDenied = 4,
    AmbiguousName = 5,
    BadInput = 6,
    ProcessExited = 7,
    OutputFailed = 8,
}
