using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Jvm;

/// <summary>The parts of a HotSpot JVM's memory that memlens tells apart (NMT's categories, where they match).</summary>
public enum JvmPart { Heap, ClassSpace, Metaspace, CodeCache, Cds, PerfData, GcData }

public sealed record JvmOwner(JvmPart Part) : Owner
{
    public static readonly JvmOwner Heap = new(JvmPart.Heap);
    public static readonly JvmOwner ClassSpace = new(JvmPart.ClassSpace);
    public static readonly JvmOwner Metaspace = new(JvmPart.Metaspace);
    public static readonly JvmOwner CodeCache = new(JvmPart.CodeCache);
    public static readonly JvmOwner Cds = new(JvmPart.Cds);
    public static readonly JvmOwner PerfData = new(JvmPart.PerfData);
    public static readonly JvmOwner GcData = new(JvmPart.GcData);

    public override string Kind => Kinds.Jvm;
    public override string Label => Part switch
    {
        JvmPart.Heap => "Java heap",
        JvmPart.ClassSpace => "Java compressed class space",
        JvmPart.Metaspace => "Java metaspace",
        JvmPart.CodeCache => "JVM code cache",
        JvmPart.Cds => "JVM class data sharing archive (CDS)",
        JvmPart.GcData => "JVM garbage collector data (bitmaps, card tables, mark stack)",
        _ => "JVM performance counters (hsperfdata)",
    };
}
