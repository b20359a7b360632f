using Memlens.Core.Strace;

namespace Memlens.Tests.Core;

/// <summary>The interval map: each kernel operation as a named case.</summary>
public class AddressSpaceTests
{
    private static readonly Provenance By = new(1, "test", 1, default);
    private static Segment Seg(ulong a, ulong b, string perms = "rw-p", string path = "") => new(a, b, perms, path, 0, By, null);
    private static string Show(AddressSpace s) => string.Join(" ", s.Segments.Select(x => $"{x.Start:x}-{x.End:x}:{x.Perms}"));

    [Fact]
    public void Map_into_a_hole()
    {
        var s = new AddressSpace();
        s.Map(Seg(0x3000, 0x4000));
        s.Map(Seg(0x1000, 0x2000));
        Assert.Equal("1000-2000:rw-p 3000-4000:rw-p", Show(s));
        Assert.Equal(0x2000UL, s.Virtual);
    }

    [Fact]
    public void Map_fixed_over_the_middle_splits_the_old_mapping()
    {
        var s = new AddressSpace();
        s.Map(Seg(0x1000, 0x5000, "---p"));
        s.Map(Seg(0x2000, 0x3000, "r-xp", "/lib"));
        Assert.Equal("1000-2000:---p 2000-3000:r-xp 3000-5000:---p", Show(s));
        Assert.Equal(0x4000UL, s.Virtual);
        Assert.Equal(0x1000UL, s.Committed);
    }

    [Fact]
    public void Unmap_across_several_mappings_trims_both_ends()
    {
        var s = new AddressSpace();
        s.Map(Seg(0x1000, 0x3000));
        s.Map(Seg(0x3000, 0x5000, "---p"));
        s.Map(Seg(0x6000, 0x8000));
        Assert.Equal(0x4000UL, s.Unmap(0x2000, 0x7000));
        Assert.Equal("1000-2000:rw-p 7000-8000:rw-p", Show(s));
        Assert.Equal(0x2000UL, s.Virtual);
    }

    [Fact]
    public void The_glibc_arena_pattern_reserve_trim_commit()
    {
        // mmap 128 MiB PROT_NONE, munmap the misaligned head and the tail, mprotect the first 132 KiB rw.
        var s = new AddressSpace();
        ulong p1 = 0x7faf46c00000, p2 = 0x7faf48000000, mib64 = 64UL << 20;
        s.Map(Seg(p1, p1 + (128UL << 20), "---p"));
        s.Unmap(p1, p2);
        s.Unmap(p2 + mib64, p1 + (128UL << 20));
        var (up, down) = s.Protect(p2, p2 + 0x21000, "rw-", By);
        Assert.Equal($"{p2:x}-{p2 + 0x21000:x}:rw-p {p2 + 0x21000:x}-{p2 + mib64:x}:---p", Show(s));
        Assert.Equal((0x21000UL, 0UL), (up, down));
        Assert.Equal(mib64, s.Virtual);
        Assert.Equal(0x21000UL, s.Committed);
    }

    [Fact]
    public void Protect_keeps_sharing_and_records_who_changed_it()
    {
        var s = new AddressSpace();
        s.Map(Seg(0x1000, 0x3000, "rw-s", "/dev/shm/x"));
        var by = new Provenance(9, "mprotect", 7, default);
        s.Protect(0x2000, 0x3000, "r--", by);
        Assert.Equal("1000-2000:rw-s 2000-3000:r--s", Show(s));
        Assert.Equal(by, s.Segments[1].Changed);
        Assert.Equal(0x1000UL, s.Segments[1].Offset);
    }

    [Fact]
    public void Find_and_clone_are_independent()
    {
        var s = new AddressSpace();
        s.Map(Seg(0x1000, 0x2000));
        var copy = s.Clone();
        copy.Unmap(0x1000, 0x2000);
        Assert.NotNull(s.Find(0x1800));
        Assert.Null(copy.Find(0x1800));
        Assert.Null(s.Find(0x2000));
    }
}

public class StraceOrderingTests
{
    [Fact]
    public void A_munmap_still_in_the_kernel_frees_space_another_threads_mmap_reuses()
    {
        // The interleaving recorded from tests/subjects/threads.c: thread 3 trims its arena's tail while thread 4's
        // mmap, resuming first, is handed exactly that space.
        const string log = """
            3 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, stack=0x7f9c54f99000, stack_size=0x7fff80} => {parent_tid=[4]}, 88) = 4
            3 mmap(NULL, 134217728, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7f9c46c00000
            3 munmap(0x7f9c46c00000, 20971520) = 0
            3 munmap(0x7f9c4c000000, 46137344 <unfinished ...>
            4 mmap(0x7f9c4c000000, 67108864, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0 <unfinished ...>
            4 <... mmap resumed>) = 0x7f9c4c000000
            3 <... munmap resumed>) = 0
            4 mprotect(0x7f9c4c000000, 135168, PROT_READ|PROT_WRITE) = 0
            """;
        var replayer = new Memlens.Core.Strace.StraceReplayer();
        var parser = new Memlens.Formats.Strace.StraceParser(replayer.Call, replayer.Event);
        foreach (var line in log.Split('\n')) parser.Line(System.Text.Encoding.UTF8.GetBytes(line));
        parser.End(false);
        var space = replayer.Processes.Single().Space;
        var arena = space.Find(0x7f9c4c000000)!;
        Assert.Equal("rw-p", arena.Perms);
        Assert.Equal(4, arena.Created.Tid);
        Assert.Equal(0x7f9c4c000000UL + (64UL << 20), space.Segments.Last().End);
        Assert.Equal((64UL << 20) * 2, space.Virtual);
    }
}
