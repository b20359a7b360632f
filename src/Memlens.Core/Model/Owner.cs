namespace Memlens.Core.Model;

/// <summary>
/// Who owns memory: a kind (docs/categories.md), an identity that code compares and `diff` matches across moments,
/// and a label for people. Code asks what an owner is (<c>owner is IMallocArena</c>), never what it prints.
/// </summary>
public abstract record Owner
{
    public abstract string Kind { get; }
    /// <summary>For people: the owner column of every output.</summary>
    public abstract string Label { get; }
    /// <summary>What stays the same across two moments of one program (an arena that moved is still an arena).</summary>
    public virtual string Identity => Label;
    public sealed override string ToString() => Label;
}

/// <summary>An owner that needs no more structure than its kind and label (a kernel mapping, a JVM space, …).</summary>
public sealed record LabelledOwner(string OwnerKind, string Text) : Owner
{
    public override string Kind => OwnerKind;
    public override string Label => Text;
}

/// <summary>A file mapped into memory: an ELF image, a managed assembly, a data file.</summary>
public sealed record FileOwner(string OwnerKind, string Path) : Owner
{
    public override string Kind => OwnerKind;
    public override string Label => Path;
}

/// <summary>Any malloc implementation's heap: glibc arenas, the brk heap, jemalloc extents, tcmalloc and mimalloc spans.</summary>
public interface IMallocArena
{
    /// <summary>The allocator's name as its documentation spells it: "glibc malloc", "jemalloc", ….</summary>
    string Allocator { get; }
}

/// <summary>
/// An owner that is one of a few, which the evidence at hand cannot tell apart (a copy of /proc without the process's
/// memory): its label names every candidate, and a fuller view may only ever name one of them.
/// </summary>
public interface IUndecidedOwner
{
    /// <summary>Whether <paramref name="decided"/>, an owner a fuller view gave the same memory, is one of the candidates.</summary>
    bool Admits(Owner decided);
}

/// <summary>A thread's own stack (and its guard), known by the thread.</summary>
public sealed record ThreadStackOwner(int Tid, string? Name, bool IsMain) : Owner
{
    public override string Kind => Kinds.Stack;
    public override string Label => IsMain ? $"thread {Tid} ({Name ?? "?"}, main)" : $"thread {Tid} ({Name ?? "?"})";
    public override string Identity => IsMain ? "main thread stack" : $"thread stack ({Name ?? "?"})";
}

/// <summary>Stack-shaped mappings no live thread's stack pointer is in (glibc's stack cache, or unreadable pointers).</summary>
public sealed record UnidentifiedThreadStacks : Owner
{
    public static readonly UnidentifiedThreadStacks Instance = new();
    public override string Kind => Kinds.Stack;
    public override string Label => "thread stacks (owner thread not identified)";
}

/// <summary>What no rule could prove an owner for: named by its shape only.</summary>
public sealed record UnattributedOwner(string Shape) : Owner
{
    public override string Kind => Kinds.Unattributed;
    public override string Label => Shape;
}
