using System.Globalization;
using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>
/// HotSpot (libjvm.so mapped): the Java heap, reserved once at -Xmx and committed as it grows; the compressed class
/// space (1 GiB reserve by default); the code cache (rwx, ReservedCodeCacheSize, 240 MiB with tiered compilation).
/// Thread stacks and their 16 KiB guard zones are found by the stack rules.
/// </summary>
public sealed class JvmRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        ulong? xmx = MaxHeap(context.Snapshot.Cmdline);
        foreach (var run in context.UnclaimedAnonymousRuns().ToList())
        {
            ulong total = (ulong)run.Sum(r => (decimal)r.Size);
            if (xmx is ulong max && total >= max && total <= max + (64 * Bytes.MiB))
                ClaimAll(context, run, "Java heap", $"a gap-free anonymous run of {Bytes.Format(total)} matching -Xmx{Bytes.Format(max)} on the command line: HotSpot reserves the heap once at -Xmx and commits it as it grows");
            else if (total == Bytes.GiB && run.Any(r => r.Map.NoAccess))
                ClaimAll(context, run, "Java compressed class space", "a gap-free anonymous run of exactly 1 GiB: CompressedClassSpaceSize's default reservation, committed as classes load");
            else if (run.Any(r => r.Map.Executable && r.Map.Writable) && total <= 256 * Bytes.MiB)
                ClaimAll(context, run, "JVM code cache", $"a gap-free anonymous run of {Bytes.Format(total)} holding rwx pages: the JIT code cache (ReservedCodeCacheSize, 240 MiB with tiered compilation)");
        }
    }

    private static void ClaimAll(ClassificationContext context, List<Region> run, string owner, string evidence)
    {
        foreach (var r in run) context.Claim(r, new LabelledOwner(Kinds.Jvm, owner), r.Map.NoAccess ? "reserved" : "committed", evidence, Confidence.Inferred);
    }

    /// <summary>The last -Xmx on the command line (the JVM uses the last), in bytes.</summary>
    public static ulong? MaxHeap(IReadOnlyList<string> cmdline)
    {
        ulong? result = null;
        foreach (var arg in cmdline)
        {
            if (!arg.StartsWith("-Xmx", StringComparison.Ordinal) || arg.Length < 5) continue;
            string v = arg[4..];
            ulong unit = char.ToLowerInvariant(v[^1]) switch { 'k' => Bytes.KiB, 'm' => Bytes.MiB, 'g' => Bytes.GiB, 't' => Bytes.TiB, _ => 1 };
            if (unit != 1) v = v[..^1];
            if (ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)) result = n * unit;
        }
        return result;
    }
}
