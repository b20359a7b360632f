using Memlens.Core.Model;

namespace Memlens.Core.Classification;

/// <summary>
/// In a Go program that maps no libc (CGO_ENABLED=0, statically linked), only the Go runtime calls mmap, so every
/// anonymous mapping left over is the runtime's off-heap memory (persistentalloc, fixalloc, GC metadata).
/// With cgo, C code maps memory too, so nothing is claimed without further evidence.
/// </summary>
public sealed class GoRemainderRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        if (!context.IsGo || context.HasGlibc || context.MapsLibrary("libc.musl") || context.MapsLibrary("ld-musl")) return;
        // The binary's own word: a dynamic loader, or a cgo build, means C code can map memory here too.
        var exe = context.ExeLayout!;
        if (exe.Interpreter is not null || (exe.GoSettings?.TryGetValue("CGO_ENABLED", out var cgo) == true && cgo == "1")) return;
        if (context.Regions.Any(r => r.Map.FileBacked && r.Map.FilePath != context.Snapshot.Exe && r.Map.Executable)) return;   // some other code is loaded
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous) continue;
            context.Claim(r, Kinds.Go, "Go runtime off-heap memory", r.Map.NoAccess ? "reserved" : "mapped",
                "anonymous mapping in a Go program that loads no C library (statically linked, no cgo): only the Go runtime maps memory here (persistentalloc chunks, mspan/mcache fixalloc, GC metadata, page-allocator chunk bitmaps)");
        }
    }
}
