using Memlens.Core.Analysis;
using Memlens.Core.Classification;
using Memlens.Core.Model;
using Memlens.Core.Runtimes;
using Memlens.Core.Runtimes.Allocators;
using Memlens.Core.Runtimes.BrkHeap;
using Memlens.Core.Runtimes.Dotnet;
using Memlens.Core.Runtimes.Glibc;
using Memlens.Core.Runtimes.Go;
using Memlens.Core.Runtimes.Images;
using Memlens.Core.Runtimes.Jvm;
using Memlens.Core.Runtimes.Jemalloc;
using Memlens.Core.Runtimes.Kernel;
using Memlens.Core.Runtimes.Python;
using Memlens.Core.Runtimes.V8;
using Memlens.Core.Runtimes.Shapes;
using Memlens.Core.Runtimes.SharedMemory;
using Memlens.Core.Runtimes.Stacks;
using Memlens.Tests.Support;

namespace Memlens.Tests.Core;

/// <summary>Each module alone, on regions written here: what it identifies, what it claims, and how sure it is.</summary>
public class RuntimeModuleTests
{
    private static ProcessAnalysis Alone(IRuntimeModule module, ProcessSnapshot s) => Analyzer.Analyze(s, modules: [module]);

    private static Attribution At(ProcessAnalysis a, ulong start) => a.Regions.Single(r => r.Start == start).Attribution!;

    [Fact]
    public void Declared_order_by_phase_then_catalog()
    {
        string[] expected =
        [
            nameof(KernelRule), nameof(NamedAnonymousRule), nameof(MainStackRule), nameof(BrkHeapRule),
            nameof(DotnetFileRule), nameof(JvmFileRule), nameof(SharedMemoryRule), nameof(ImageRule),
            "Arenas", nameof(ThreadStackRule), nameof(GlibcArenaRule), nameof(JemallocRule), nameof(LeftoverRule), "MimallocRule", nameof(LeftoverRule),
            "Summaries", nameof(DotnetReservationRule), nameof(JvmRule), nameof(V8Rule),
            nameof(GlibcMmapChunkRule),
            nameof(GoRemainderRule), nameof(PymallocRule), nameof(GuardPatternStackRule), nameof(MappedFileRule), nameof(ShapeHintRule),
        ];
        Assert.Equal(expected, RuntimeCatalog.OrderedRules().Select(r => r.Rule.GetType().Name));
    }

    [Fact]
    public void The_classifier_applies_the_rules_in_the_declared_order()
    {
        var applied = new List<IClassificationRule>();
        var recording = RuntimeCatalog.Modules.Select(m => (IRuntimeModule)new Recording(m, applied)).ToList();
        Analyzer.Analyze(Synthetic.Process("7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n"), modules: recording);
        Assert.Equal(RuntimeCatalog.OrderedRules().Select(r => r.Rule), applied);
    }

    /// <summary>A module that is always identified and notes each of its rules as it is applied.</summary>
    private sealed class Recording(IRuntimeModule inner, List<IClassificationRule> applied) : IRuntimeModule
    {
        public string Name => inner.Name;
        public ModuleRole Role => inner.Role;
        public RuntimeIdentification Identify(RuntimeSignals signals) => new(Name, ["test"]);
        public IReadOnlyList<PhasedRule> Rules { get; } = inner.Rules.Select(p => new PhasedRule(p.Phase, new Note(p.Rule, applied))).ToList();
        private sealed class Note(IClassificationRule rule, List<IClassificationRule> applied) : IClassificationRule
        {
            public void Apply(ClassificationContext context) => applied.Add(rule);
        }
    }

    [Fact]
    public void Kernel_names_its_own_mappings_and_keeps_the_processs_names()
    {
        var a = Alone(new KernelModule(), Synthetic.Process("""
            7ffd11000000-7ffd11002000 r-xp 00000000 00:00 0 [vdso]
            7ffd11002000-7ffd11006000 rw-p 00000000 00:00 0 [anon:buffer pool]
            """));
        Assert.Equal(new LabelledOwner(Kinds.Kernel, "[vdso]"), At(a, 0x7ffd11000000).Owner);
        Assert.Equal(new LabelledOwner(Kinds.Named, "[anon:buffer pool]"), At(a, 0x7ffd11002000).Owner);
        Assert.All(a.Regions, r => Assert.Equal(Confidence.Confirmed, r.Attribution!.Confidence));
    }

    private const string GoLayout = """
        c000000000-c000400000 rw-p 00000000 00:00 0
        c000400000-c004000000 ---p 00000000 00:00 0
        7f0000000000-7f0002400000 rw-p 00000000 00:00 0
        7f0002400000-7f0002420000 rw-p 00000000 00:00 0
        7f0002420000-7f0027020000 ---p 00000000 00:00 0
        """;

    [Fact]
    public void Go_without_the_binary_from_the_arena_hint_address()
    {
        var a = Alone(new GoModule(), Synthetic.Process(GoLayout));
        Assert.Contains("0xc000000000", a.Runtimes["go"].Because, StringComparison.Ordinal);
        Assert.Equal(GoRuntimeOwner.HeapArenas, At(a, 0xc000000000).Owner);
        Assert.Equal(GoRuntimeOwner.HeapArenas, At(a, 0xc000400000).Owner);
        Assert.Equal(GoRuntimeOwner.ArenaIndex, At(a, 0x7f0000000000).Owner);
        Assert.Equal(GoRuntimeOwner.Summaries, At(a, 0x7f0002420000).Owner);
        Assert.All(a.Regions, r => Assert.Equal(Confidence.Inferred, r.Attribution!.Confidence));
    }

    [Fact]
    public void Go_1_4_contiguous_reservation_is_the_runtimes_and_not_a_leak()
    {
        // The 2014 "huge virtual size" report: two inaccessible mappings of about 8 and 128 GiB, a little used between.
        var s = Synthetic.Process("""
            c000000000-c1ffe00000 ---p 00000000 00:00 0
            c1ffe00000-c200100000 rw-p 00000000 00:00 0
            c200100000-e200000000 ---p 00000000 00:00 0
            """);
        var a = Analyzer.Analyze(s, modules: [new GoModule()]);
        Assert.All(a.Regions, r => Assert.Equal(GoRuntimeOwner.HeapArenas, r.Attribution!.Owner));
        Assert.StartsWith("reserved (the pre-1.11 contiguous heap reservation", At(a, 0xc200100000).Detail, StringComparison.Ordinal);
        var reserved = Assert.Single(a.Findings, f => f.Title == "Reserved address space");
        Assert.Contains("is not a leak", reserved.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Go_not_identified_claims_nothing()
    {
        var a = Alone(new GoModule(), Synthetic.Process(GoLayout.Replace("c000000000-c000400000", "c100000000-c100400000", StringComparison.Ordinal)
            .Replace("c000400000-c004000000", "c100400000-c104000000", StringComparison.Ordinal)));
        Assert.False(a.Runtimes.ContainsKey("go"));
        Assert.All(a.Regions, r => Assert.Equal(Kinds.Unattributed, r.Attribution!.Kind));
    }

    [Fact]
    public void Go_from_a_metrics_page_alone()
    {
        var s = Synthetic.Process("7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n") with
        {
            MetricsPages = [("page", "# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes 1.2e+07\ngo_info{version=\"go1.12.5\"} 1\n")],
        };
        var a = Alone(new GoModule(), s);
        Assert.Contains("go_memstats_", a.Runtimes["go"].Because, StringComparison.Ordinal);
        Assert.Equal("go1.12.5", a.Go!.GoVersion);
    }

    private const string GlibcLayout = """
        7f1200000000-7f1200021000 rw-p 00000000 00:00 0
        7f1200021000-7f1204000000 ---p 00000000 00:00 0
        7f1300000000-7f1300028000 r--p 00000000 08:01 100 /usr/lib/x86_64-linux-gnu/libc.so.6
        """;

    [Fact]
    public void Glibc_arena_from_its_layout_is_inferred_when_memory_is_unreadable()
    {
        var a = Alone(new GlibcModule(), Synthetic.Process(GlibcLayout));
        Assert.Equal(new GlibcArena(0x7f1200000000), At(a, 0x7f1200000000).Owner);
        Assert.Equal("heap (reserved tail)", At(a, 0x7f1200021000).Detail);
        Assert.Equal(Confidence.Inferred, At(a, 0x7f1200000000).Confidence);
        Assert.IsAssignableFrom<IMallocArena>(At(a, 0x7f1200000000).Owner);
    }

    [Fact]
    public void Glibc_not_mapped_claims_no_arena_and_the_shape_is_a_hint()
    {
        var s = Synthetic.Process(GlibcLayout.Split('\n')[0] + "\n" + GlibcLayout.Split('\n')[1]);
        var a = Analyzer.Analyze(s, modules: [new GlibcModule(), new ShapesModule()]);
        Assert.False(a.Runtimes.ContainsKey("glibc"));
        Assert.All(a.Regions, r => Assert.Equal(Kinds.Unattributed, r.Attribution!.Kind));
        Assert.Contains("shaped like a glibc malloc arena heap", At(a, 0x7f1200000000).Hint, StringComparison.Ordinal);
        Assert.Contains("glibc is not identified", At(a, 0x7f1200000000).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Stacks_from_stack_pointers_and_the_guard_pattern()
    {
        var s = Synthetic.Process("""
            7f5000000000-7f5000001000 ---p 00000000 00:00 0
            7f5000001000-7f5000801000 rw-p 00000000 00:00 0
            7f6000000000-7f6000001000 ---p 00000000 00:00 0
            7f6000001000-7f6000801000 rw-p 00000000 00:00 0
            7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
            """, [Synthetic.Thread(100, "main", 0x7ffd00020000), Synthetic.Thread(101, "worker", 0x7f5000800000)]);
        var a = Alone(new StacksModule(), s);
        Assert.Equal(new ThreadStackOwner(101, "worker", false), At(a, 0x7f5000001000).Owner);
        Assert.Equal("guard", At(a, 0x7f5000000000).Detail);
        Assert.Equal(Confidence.Confirmed, At(a, 0x7f5000001000).Confidence);
        Assert.Equal(UnidentifiedThreadStacks.Instance, At(a, 0x7f6000001000).Owner);
        Assert.Equal(Confidence.Inferred, At(a, 0x7f6000001000).Confidence);
        Assert.Equal(new ThreadStackOwner(100, "main", true), At(a, 0x7ffd00000000).Owner);
    }

    [Fact]
    public void Brk_heap_by_its_name()
    {
        var a = Alone(new BrkHeapModule(), Synthetic.Process("55d000000000-55d000021000 rw-p 00000000 00:00 0 [heap]\n"));
        Assert.Equal(new BrkHeapOwner(Grower: null), At(a, 0x55d000000000).Owner);
    }

    [Fact]
    public void Dotnet_double_mapped_code_with_coreclr_mapped()
    {
        var a = Alone(new DotnetModule(), Synthetic.Process("""
            7f7000000000-7f7000010000 r-xp 00000000 00:01 5 /memfd:doublemapper (deleted)
            7f7100000000-7f7100400000 r-xp 00000000 08:01 7 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so
            """));
        Assert.Equal(new LabelledOwner(Kinds.Dotnet, ".NET executable memory (double-mapped)"), At(a, 0x7f7000000000).Owner);
    }

    [Fact]
    public void Jvm_heap_from_xmx_with_libjvm_mapped()
    {
        var s = Synthetic.Process("""
            f0000000-f0400000 rw-p 00000000 00:00 0
            f0400000-f4000000 ---p 00000000 00:00 0
            7f8000000000-7f8001000000 r-xp 00000000 08:01 9 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            """, cmdline: ["java", "-Xmx64m", "Main"]);
        var a = Alone(new JvmModule(), s);
        Assert.Equal(JvmOwner.Heap, At(a, 0xf0000000).Owner);
        Assert.Equal(Confidence.Inferred, At(a, 0xf0400000).Confidence);
    }

    [Fact]
    public void G1s_mark_stack_merged_with_the_first_mark_bitmaps_head_is_gc_data()
    {
        // The layout of a java -Xmx1g (JDK 17, G1) whose 32 MiB mark stack fell on a 4 MiB boundary, right below the first
        // 16 MiB bitmap (NMT detail: GC 32768KB at 7fcba5400000, then GC 16384KB twice, committed 6048KB + 32KB each).
        var s = Synthetic.Process("""
            c0000000-d7a00000 rw-p 00000000 00:00 0
            d7a00000-ffe00000 ---p 00000000 00:00 0
            ffe00000-100000000 rw-p 00000000 fe:00 5 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa
            7fcba5400000-7fcba79e8000 rw-p 00000000 00:00 0
            7fcba79e8000-7fcba83f8000 ---p 00000000 00:00 0
            7fcba83f8000-7fcba89e8000 rw-p 00000000 00:00 0
            7fcba89e8000-7fcba93f8000 ---p 00000000 00:00 0
            7fcba93f8000-7fcba9400000 rw-p 00000000 00:00 0
            7fcbb8000000-7fcbb9000000 r-xp 00000000 08:01 9 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            """, cmdline: ["java", "-Xmx1g", "-XX:+UseG1GC", "Main"]);
        var a = Alone(new JvmModule(), s);
        Assert.Equal(JvmOwner.Heap, At(a, 0xc0000000).Owner);
        Assert.Equal(JvmOwner.GcData, At(a, 0x7fcba5400000).Owner);
        Assert.Contains("mark stack", At(a, 0x7fcba5400000).Evidence, StringComparison.Ordinal);
        Assert.Equal(JvmOwner.GcData, At(a, 0x7fcba79e8000).Owner);
        Assert.Equal(JvmOwner.GcData, At(a, 0x7fcba83f8000).Owner);
        Assert.Equal(JvmOwner.GcData, At(a, 0x7fcba89e8000).Owner);
        Assert.Equal("GarbageFirst", JvmFacts.CollectorFromOptions(["-XX:+UseParallelGC", "-XX:+UseG1GC"]));
        Assert.Null(JvmFacts.CollectorFromOptions(["-Xmx1g"]));
    }

    [Fact]
    public void Parallels_mark_bitmap_and_a_start_array_under_a_small_code_heaps_head_are_gc_data()
    {
        // From a java -Xmx256m -XX:+UseParallelGC (JDK 17): NMT detail has GC 8192KB (heap/32, the mark bitmap) committed
        // whole, and GC 20KB + GC 344KB (heap/768, the object start array) right below a 48 KiB code heap whose 20 KiB
        // head merged with them; and in another run GC 344KB and GC 516KB merged, below a thread stack's guard.
        var s = Synthetic.Process("""
            f0000000-100000000 rw-p 00000000 00:00 0
            7f64e0c00000-7f64e1400000 rw-p 00000000 00:00 0
            7f64fe18c000-7f64fe1ec000 rw-p 00000000 00:00 0
            7f64fe1ec000-7f64fe1f3000 ---p 00000000 00:00 0
            7f64fe1f3000-7f64fe1ff000 r--p 00000000 fe:00 7 /usr/lib/jvm/java-17-openjdk-amd64/lib/libjava.so
            7f64fe629000-7f64fe700000 rw-p 00000000 00:00 0
            7f64fe700000-7f64fe704000 ---p 00000000 00:00 0
            7f64fe704000-7f64fe800000 rw-p 00000000 00:00 0
            7f8000000000-7f8001000000 r-xp 00000000 08:01 9 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            """, cmdline: ["java", "-Xmx256m", "-XX:+UseParallelGC", "Main"]);
        // With the memory read (no malloc chunk header at any of them):
        var read = Alone(new JvmModule(), s with { Memory = Synthetic.ZeroMemory.Instance });
        Assert.Equal(JvmOwner.GcData, At(read, 0x7f64e0c00000).Owner);
        Assert.Contains("Parallel's mark bitmap", At(read, 0x7f64e0c00000).Evidence, StringComparison.Ordinal);
        Assert.Equal(JvmOwner.CodeCache, At(read, 0x7f64fe1ec000).Owner);
        Assert.Equal(JvmOwner.GcData, At(read, 0x7f64fe18c000).Owner);
        Assert.Contains("committed head of the small code heap above", At(read, 0x7f64fe18c000).Evidence, StringComparison.Ordinal);
        Assert.Equal(JvmOwner.GcData, At(read, 0x7f64fe629000).Owner);
        Assert.Contains("block table", At(read, 0x7f64fe629000).Evidence, StringComparison.Ordinal);
        Assert.Contains("merged", At(read, 0x7f64fe629000).Evidence, StringComparison.Ordinal);
        // Without it (a copy of /proc files) a malloc'd block has these shapes too, a page larger than what it holds:
        // only a table of exactly its page-rounded size is taken; the merged ones stay unattributed.
        var copy = Alone(new JvmModule(), s);
        Assert.Equal(JvmOwner.GcData, At(copy, 0x7f64e0c00000).Owner);
        Assert.Equal(Kinds.Unattributed, At(copy, 0x7f64fe18c000).Kind);
        Assert.Equal(Kinds.Unattributed, At(copy, 0x7f64fe629000).Kind);
    }

    [Fact]
    public void Shared_memory_by_its_file()
    {
        var a = Alone(new SharedMemoryModule(), Synthetic.Process("7f9000000000-7f9000100000 rw-s 00000000 00:1a 3 /dev/shm/pool\n"));
        Assert.Equal(new LabelledOwner(Kinds.SharedMemory, "/dev/shm/pool"), At(a, 0x7f9000000000).Owner);
    }

    [Fact]
    public void Images_by_permissions_without_headers_and_data_files()
    {
        var a = Alone(new ImagesModule(), Synthetic.Process("""
            555500000000-555500001000 r--p 00000000 08:01 11 /usr/bin/app
            555500001000-555500002000 r-xp 00001000 08:01 11 /usr/bin/app
            555500002000-555500003000 rw-p 00002000 08:01 11 /usr/bin/app
            555500003000-555500005000 rw-p 00000000 00:00 0
            7fa000000000-7fa000100000 r--p 00000000 08:01 12 /usr/lib/locale/locale-archive
            """) with { Exe = "/usr/bin/app" });
        var app = new FileOwner(Kinds.Image, "/usr/bin/app");
        Assert.Equal(["rodata", "text", "data", "bss"], a.Regions.Where(r => r.Attribution!.Owner == app).Select(r => r.Attribution!.Detail));
        Assert.Equal(Confidence.Inferred, At(a, 0x555500003000).Confidence);
        Assert.Equal(new FileOwner(Kinds.MappedFile, "/usr/lib/locale/locale-archive"), At(a, 0x7fa000000000).Owner);
    }

    [Fact]
    public void Jemalloc_extents_by_map_noreserve()
    {
        var a = Alone(new JemallocModule(), Synthetic.Process("""
            7f0010000000-7f0010800000 rw-p 00000000 00:00 0
            Size:               8192 kB
            Rss:                4096 kB
            VmFlags: rd wr mr mw me nr
            7f0011000000-7f0011021000 rw-p 00000000 00:00 0
            Size:                132 kB
            Rss:                   4 kB
            VmFlags: rd wr mr mw me ac
            7f0012000000-7f0012009000 r--p 00000000 08:01 5 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2
            Size:                 36 kB
            Rss:                  36 kB
            VmFlags: rd mr mw me
            """));
        Assert.Equal(JemallocExtents.Instance, At(a, 0x7f0010000000).Owner);
        Assert.Equal(Kinds.Unattributed, At(a, 0x7f0011000000).Kind);
    }

    [Fact]
    public void V8_pages_large_objects_and_code_range()
    {
        var s = Synthetic.Process("""
            1a2b3c40000-1a2b3c80000 rw-p 00000000 00:00 0
            2b3c4d800000-2b3c4da00000 rw-p 00000000 00:00 0
            7f4000000000-7f4000002000 rw-p 00000000 00:00 0
            7f4000002000-7f4000003000 ---p 00000000 00:00 0
            7f4000003000-7f400003f000 rwxp 00000000 00:00 0
            7f400003f000-7f4020000000 ---p 00000000 00:00 0
            """) with { Comm = "node" };
        var a = Alone(new V8Module(), s);
        Assert.Equal(V8Owner.HeapPages, At(a, 0x1a2b3c40000).Owner);
        Assert.Equal(V8Owner.LargeObjects, At(a, 0x2b3c4d800000).Owner);
        Assert.All(a.Regions.Where(r => r.Start >= 0x7f4000000000), r => Assert.Equal(V8Owner.CodeRange, r.Attribution!.Owner));
    }

    [Fact]
    public void Python_arenas_without_memory_are_whole_arenas_inferred_and_a_merged_mapping_names_both_candidates()
    {
        var s = Synthetic.Process("""
            7f6800000000-7f6800300000 rw-p 00000000 00:00 0
            7f6800400000-7f6800533000 rw-p 00000000 00:00 0
            7f6900000000-7f6900100000 r-xp 00000000 08:01 7 /usr/lib/libpython3.11.so.1.0
            """);
        var a = Alone(new PythonModule(), s);
        Assert.Equal(PymallocArenas.Instance, At(a, 0x7f6800000000).Owner);
        Assert.Equal(Confidence.Inferred, At(a, 0x7f6800000000).Confidence);
        // 1.2 MiB: an arena merged with a malloc'd block, or blocks alone; both candidates named, neither guessed.
        Assert.Equal(PythonObjectMemoryUndecided.Instance, At(a, 0x7f6800400000).Owner);
        Assert.Equal(Confidence.Inferred, At(a, 0x7f6800400000).Confidence);
        Assert.Contains("cannot be told apart", At(a, 0x7f6800400000).Evidence, StringComparison.Ordinal);
        Assert.True(PythonObjectMemoryUndecided.Instance.Admits(PymallocArenas.Instance));
        Assert.False(PythonObjectMemoryUndecided.Instance.Admits(new ThreadStackOwner(1, "python3", true)));
    }

    [Fact]
    public void Mimalloc_tcmalloc_and_musl_own_their_heaps()
    {
        const string heap = "7f7000000000-7f7002000000 rw-p 00000000 00:00 0\n";
        var mi = Alone(new MimallocModule(), Synthetic.Process("45e86000000-45e8a000000 rw-p 00000000 00:00 0\n" + heap
            + "7f7100000000-7f7100010000 r-xp 00000000 08:01 9 /usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0\n"));
        Assert.Equal(MimallocModule.Heap, At(mi, 0x45e86000000).Owner);
        Assert.Equal(Kinds.Unattributed, At(mi, 0x7f7000000000).Kind);
        var tc = Alone(new TcmallocModule(), Synthetic.Process(heap + "7f7100000000-7f7100010000 r-xp 00000000 08:01 9 /usr/lib/x86_64-linux-gnu/libtcmalloc.so.4\n"));
        Assert.Equal(TcmallocModule.Heap, At(tc, 0x7f7000000000).Owner);
        var musl = Alone(new MuslModule(), Synthetic.Process(heap + "7f7100000000-7f7100010000 r-xp 00000000 08:01 9 /usr/lib/ld-musl-x86_64.so.1\n"));
        Assert.Equal(MuslModule.Heap, At(musl, 0x7f7000000000).Owner);
    }
}

/// <summary>The layers of docs/architecture.md, as the compiler sees them.</summary>
public class LayerTests
{
    [Fact]
    public void The_cli_uses_no_parser_and_reporting_no_source()
    {
        static IEnumerable<string> References(Type t) => t.Assembly.GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain("Memlens.Formats", References(typeof(Memlens.Cli.Program)));
        Assert.DoesNotContain("Memlens.Cli", References(typeof(Memlens.Reporting.ReportBuilder)));
        Assert.DoesNotContain("Memlens.Reporting", References(typeof(Memlens.Core.Analysis.Analyzer)));
        Assert.DoesNotContain("Memlens.Core", References(typeof(Memlens.Formats.Procfs.MapsFile)));
    }
}
