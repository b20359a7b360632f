namespace Memlens.Core.Model;

/// <summary>The owner kinds of docs/categories.md. Strings, because they are the JSON contract.</summary>
public static class Kinds
{
    public const string Image = "image";
    public const string NativeHeap = "native-heap";
    public const string Stack = "stack";
    public const string Go = "go";
    public const string Dotnet = "dotnet";
    public const string Jvm = "jvm";
    public const string V8 = "v8";
    public const string Python = "python";
    public const string MappedFile = "mapped-file";
    public const string SharedMemory = "shared-memory";
    public const string Kernel = "kernel";
    /// <summary>An anonymous mapping the process named itself with prctl(PR_SET_VMA_ANON_NAME), owner = the name.</summary>
    public const string Named = "named";
    public const string Unattributed = "unattributed";

    public static readonly IReadOnlyList<string> All =
        [Image, NativeHeap, Stack, Go, Dotnet, Jvm, V8, Python, MappedFile, SharedMemory, Kernel, Named, Unattributed];
}
