using System.Text;
using Memlens.Core.Model;
using Memlens.Formats.Procfs;

namespace Memlens.Tests.Support;

/// <summary>
/// A process made of maps lines written in a test, for testing one classification module alone. Its files are
/// unreadable and its memory too, as for a plain copy of /proc files from another machine.
/// </summary>
public static class Synthetic
{
    public static ProcessSnapshot Process(string maps, IReadOnlyList<ThreadInfo>? threads = null, IReadOnlyList<string>? cmdline = null, int pid = 100)
    {
        string text = maps.Replace("\r", "", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        // smaps text (with Size:, Rss:, VmFlags: lines) gives counters; maps text gives mappings alone.
        bool smaps = maps.Contains("\nSize:", StringComparison.Ordinal);
        IReadOnlyList<Region> regions;
        if (smaps)
        {
            var parsed = SmapsFile.Parse(bytes);
            Assert.Empty(parsed.Problems);
            regions = parsed.Items.Select((e, i) => new Region(i, e.Map, e.Counters)).ToList();
        }
        else
        {
            var parsed = MapsFile.Parse(bytes);
            Assert.Empty(parsed.Problems);
            regions = parsed.Items.Select((m, i) => new Region(i, m, null)).ToList();
        }
        return new ProcessSnapshot
        {
            Pid = pid,
            Regions = regions,
            HasSmaps = smaps,
            Threads = threads ?? [],
            Cmdline = cmdline ?? [],
            Source = "synthetic",
            Images = new NoImages(),
            Memory = NoMemoryProbe.Instance,
        };
    }

    public static ThreadInfo Thread(int tid, string name, ulong sp) => new(tid, name, new TaskSyscall(false, 0, sp, 0), null);

    private sealed class NoImages : IImageInspector
    {
        public ImageLayout? Inspect(Region region, out string? problem)
        {
            problem = "the file is not on this machine";
            return null;
        }
    }

    /// <summary>Memory that reads as zeros everywhere: untouched pages, where no allocator header is found.</summary>
    public sealed class ZeroMemory : IMemoryProbe
    {
        public static readonly ZeroMemory Instance = new();
        public bool TryRead(ulong address, Span<byte> destination)
        {
            destination.Clear();
            return true;
        }
    }
}
