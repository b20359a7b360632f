namespace Memlens.Formats;

/// <summary>
/// Input past one of a reader's limits (docs/limits.md): the reading stops, and the command says which limit with exit
/// 6, rather than going on into memory it cannot bound or reporting part of the input as if it were all of it.
/// </summary>
public sealed class InputLimitException(string message) : Exception(message);
