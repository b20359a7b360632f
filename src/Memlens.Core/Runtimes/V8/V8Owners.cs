using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.V8;

public enum V8Part { HeapPages, LargeObjects, CodeRange, WasmMemory }

/// <summary>What V8 maps for itself (research/runtime-facts-2.md §10); ArrayBuffers come from malloc.</summary>
public sealed record V8Owner(V8Part Part) : Owner
{
    public static readonly V8Owner HeapPages = new(V8Part.HeapPages);
    public static readonly V8Owner LargeObjects = new(V8Part.LargeObjects);
    public static readonly V8Owner CodeRange = new(V8Part.CodeRange);
    public static readonly V8Owner WasmMemory = new(V8Part.WasmMemory);

    public override string Kind => Kinds.V8;
    public override string Label => Part switch
    {
        V8Part.HeapPages => "V8 heap pages",
        V8Part.LargeObjects => "V8 large objects",
        V8Part.CodeRange => "V8 code range",
        _ => "WebAssembly memory (with guard regions)",
    };
}
