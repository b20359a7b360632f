using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.V8;

/// <summary>
/// V8 without pointer compression (Node.js's builds): every heap page is its own 256 KiB mapping at a random address
/// below 64 TiB (OS::GetRandomMmapAddr masks hints to 46 bits), aligned to 256 KiB; a large object gets a mapping of
/// its own on the same alignment; the code range is one 512 MiB (128 MiB in older V8) reservation with an rwx head;
/// a WebAssembly memory is reserved with its guard regions (8 or 10 GiB).
/// </summary>
public sealed class V8Rule : IClassificationRule
{
    public const ulong PageBytes = 256 * Bytes.KiB;
    public const ulong HintLimit = 1UL << 46;

    public void Apply(ClassificationContext context)
    {
        ClaimCodeRange(context);
        ClaimWasm(context);
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.IsPrivateAnonymous || r.Start % PageBytes != 0 || r.End > HintLimit || r.Start < (4UL << 30)) continue;
            if (Memlens.Core.Runtimes.Go.GoLayoutRule.InArenaHintWindow(r.Start) && context.Uses("go")) continue;
            var owner = r.Size <= PageBytes ? V8Owner.HeapPages : V8Owner.LargeObjects;
            context.Claim(r, owner, r.Map.NoAccess ? "reserved" : r.Map.Writable ? "committed" : "read-only",
                $"an anonymous mapping of {Bytes.Format(r.Size)} on a 256 KiB boundary at {Bytes.Hex(r.Start)}, below the 46-bit limit of V8's random mmap hints and far from the mmap area: " +
                (owner == V8Owner.HeapPages ? "a V8 heap page (kPageSizeBits 18), mapped one by one" : "a V8 large object (over 128 KiB), which gets a mapping of its own"), Confidence.Inferred);
        }
    }

    private static void ClaimCodeRange(ClassificationContext context)
    {
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            int code = run.FindIndex(r => r.Map.Executable && r.Map.Writable);
            if (code < 0) continue;
            // The range starts at or below its rwx page (a small rw header and a guard come first); unrelated anonymous
            // memory may lie directly below it, so every start up to the rwx page is tried.
            foreach (var (start, size) in run.Take(code + 1).Select(r => r.Start).SelectMany(st => new[] { (st, 512 * Bytes.MiB), (st, 128 * Bytes.MiB) }))
            {
                ulong end = start + size;
                // The embedded builtins may be remapped from the binary inside the range: it is a boundary too.
                if (context.Find(end - 1) is not { } last || last.End != end) continue;
                var inside = context.Regions.Where(r => r.Start >= start && r.End <= end && !context.IsClaimed(r) && r.IsPrivateAnonymous).ToList();
                foreach (var r in inside)
                    context.Claim(r, V8Owner.CodeRange, r.Map.NoAccess ? "reserved" : r.Map.Executable ? "code (rwx)" : "committed",
                        $"part of a {Bytes.Format(size)} reservation from {Bytes.Hex(start)} that holds rwx pages: V8's code range (kMaximalCodeRangeSize), where JIT code and, remapped from the binary, the embedded builtins live", Confidence.Inferred);
                break;
            }
        }
    }

    private static void ClaimWasm(ClassificationContext context)
    {
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            ulong total = run.Aggregate(0UL, (a, r) => a + r.Size);
            if (total is not (10UL << 30 or 8UL << 30) || !run[0].Map.NoAccess) continue;
            foreach (var r in run)
                context.Claim(r, V8Owner.WasmMemory, r.Map.NoAccess ? "guard (reserved)" : "memory",
                    $"a gap-free reservation of exactly {Bytes.Format(total)}: a WebAssembly memory with its guard regions (V8 backing-store.cc: 2 GiB below and 8 GiB in all, or 8 GiB)", Confidence.Inferred);
        }
    }
}
