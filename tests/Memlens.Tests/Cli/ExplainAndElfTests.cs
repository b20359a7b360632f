using Memlens.Core.Runtimes.Go;
using Memlens.Formats.Metrics;
using Memlens.Tests.Support;

namespace Memlens.Tests.Cli;

public class ExplainAndElfTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Explain_covers_every_memstats_field_and_every_go_memstats_metric()
    {
        foreach (var name in GoMemStats.FieldNames.Concat(PrometheusText.MemStatsByMetric.Keys))
        {
            var r = MemlensCli.Run("explain", name);
            Assert.True(r.ExitCode == 0, name);
            Assert.Contains("  counts:   ", r.Out);
            Assert.Contains("  identity: ", r.Out);
            Assert.Contains("  excludes: ", r.Out);
        }
    }

    [Fact]
    public void Explain_answers_the_documents_questions()
    {
        var released = MemlensCli.Run("explain", "go_memstats_heap_released_bytes").Out;
        Assert.Contains("a current state, not a running total", released);
        var sys = MemlensCli.Run("explain", "Sys").Out;
        Assert.Contains("Sys = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys", sys);
        Assert.Contains("PROT_NONE reservations", sys);
        var stack = MemlensCli.Run("explain", "go_memstats_stack_inuse_bytes").Out;
        Assert.Contains("goroutine stacks", stack);
        var free = MemlensCli.Run("explain", "/memory/classes/heap/free:bytes").Out;
        Assert.Contains("is one part of runtime.MemStats.HeapIdle", free);
    }

    [Fact]
    public void Explain_an_unknown_name_is_a_usage_error()
    {
        var r = MemlensCli.Run("explain", "go_memstats_nonsense");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("memlens: 'go_memstats_nonsense' is not a memory metric memlens knows", r.Error);
    }

    [Fact]
    public void Elf_groups_a_go_binarys_sections_into_segments_with_maps_permissions()
    {
        var r = MemlensCli.Run("elf", SubjectBuilds.GoHttpPure);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("ELF64 executable (ET_EXEC, fixed addresses)", r.Out);
        Assert.Contains("statically linked (no PT_INTERP)", r.Out);
        Assert.Matches(@"Go build: go1\.\d+", r.Out);
        Assert.Contains("CGO_ENABLED=0", r.Out);
        int text = r.Out.IndexOf("r-xp in maps", StringComparison.Ordinal);
        int rodata = r.Out.IndexOf("r--p in maps", StringComparison.Ordinal);
        int data = r.Out.IndexOf("rw-p in maps", StringComparison.Ordinal);
        Assert.True(text >= 0 && rodata > text && data > rodata);
        Assert.True(r.Out.IndexOf("  .text ", StringComparison.Ordinal) > text && r.Out.IndexOf("  .text ", StringComparison.Ordinal) < rodata);
        Assert.True(r.Out.IndexOf("  .noptrbss ", StringComparison.Ordinal) > data);
        Assert.Contains("zero-filled: bss", r.Out);
        Assert.Contains("not loaded into memory", r.Out);
    }

    [Fact]
    public void Elf_of_a_pie_notes_relro()
    {
        var r = MemlensCli.Run("elf", SubjectBuilds.Threads);
        Assert.Contains("shared object or PIE", r.Out);
        Assert.Contains("PT_GNU_RELRO", r.Out);
    }

    [Fact]
    public void Elf_of_a_non_elf_file_is_one_line()
    {
        string path = Path.Combine(_temp.New("memlens-elf-"), "x");
        File.WriteAllText(path, "not an elf file at all, just text");
        var r = MemlensCli.Run("elf", path);
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("not an ELF file", r.Error);
    }

    [Fact]
    public void Go_on_a_c_program_is_bad_input()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        var r = MemlensCli.Run("go", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6, r.ExitCode);
        Assert.Contains("is not identified as a Go process", r.Error);
    }

    [Fact]
    public void An_unreachable_metrics_url_is_one_line()
    {
        using var subject = Subject.Start(SubjectBuilds.GoHttpPure);
        var r = MemlensCli.Run("go", subject.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--metrics", "http://127.0.0.1:1/debug/vars");
        Assert.Equal(6, r.ExitCode);
        Assert.StartsWith("memlens: --metrics http://127.0.0.1:1/debug/vars: could not fetch", r.Error);
    }
}
