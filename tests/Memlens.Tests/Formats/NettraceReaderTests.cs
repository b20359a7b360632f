using Memlens.Core.Sources;
using Memlens.Formats.Dotnet;
using Memlens.Tests.Support;

namespace Memlens.Tests.Formats;

/// <summary>
/// The nettrace reader on a stream the .NET subject's runtime wrote for a real diagnostic-port session, then on every
/// prefix of it and on copies with bytes changed: what it cannot read is one NettraceFormatException, never another.
/// </summary>
public sealed class NettraceReaderTests
{
    private static readonly Lazy<byte[]> Stream = new(ReadFromSubject);

    /// <summary>A System.Runtime EventCounters session of the subject, read for 2.5 s and then stopped, as it arrived.</summary>
    private static byte[] ReadFromSubject()
    {
        using var subject = Subject.Start("dotnet", SubjectBuilds.DotnetSubjectDll);
        string socket = DotnetDiagnosticPort.FindSocket(subject.Pid) ?? throw new InvalidOperationException("the subject has no diagnostic port");
        var (connection, session) = DotnetDiagnosticPort.StartSession(socket, [new("System.Runtime", 0xFFFFFFFF, 5, "EventCounterIntervalSec=1")]);
        var bytes = new MemoryStream();
        using (connection)
        {
            var reader = new Thread(() =>
            {
                try { new System.Net.Sockets.NetworkStream(connection, ownsSocket: false).CopyTo(bytes); }
                catch (IOException) { }
            });
            reader.Start();
            Thread.Sleep(2500);
            DotnetDiagnosticPort.StopSession(socket, session);
            reader.Join(TimeSpan.FromSeconds(10));
        }
        return bytes.ToArray();
    }

    private static List<NettraceEvent> Read(byte[] bytes) => new NettraceReader(new MemoryStream(bytes)).Events().ToList();

    [Fact]
    public void A_real_session_gives_the_runtimes_counters_and_ends_at_its_end_tag()
    {
        var events = Read(Stream.Value);
        var counters = events.Where(e => e.Provider == "System.Runtime" && e.Name == "EventCounters").Select(e => e.Object("Payload")!).ToList();
        Assert.NotEmpty(counters);
        string Name(IReadOnlyList<NettraceField> p) => (string)p.Single(f => f.Name == "Name").Value!;
        var names = counters.Select(Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "gc-heap-size", "gc-committed", "gen-0-size", "loh-size", "alloc-rate", "working-set" }, names);
        // loh-size is a polling counter in bytes: its mean is the large object heap's size at the subject's collection.
        var loh = counters.Last(p => Name(p) == "loh-size");
        Assert.InRange((double)loh.Single(f => f.Name == "Mean").Value!, 32 << 20, 33 << 20);
        Assert.Equal("B", loh.Single(f => f.Name == "DisplayUnits").Value);
        // alloc-rate is an incrementing counter: an increment, no mean.
        Assert.Contains(counters.Where(p => Name(p) == "alloc-rate"), p => p.Any(f => f.Name == "Increment") && p.All(f => f.Name != "Mean"));
    }

    [Fact]
    public void Every_prefix_of_the_stream_is_one_format_error_and_never_another_exception()
    {
        byte[] whole = Stream.Value;
        int step = Math.Max(1, whole.Length / 400);
        for (int length = 0; length < whole.Length - 1; length += step)
        {
            var ex = Assert.Throws<NettraceFormatException>(() => Read(whole[..length]));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Fact]
    public void Changed_bytes_are_read_or_refused_as_a_format_error()
    {
        byte[] whole = Stream.Value;
        var random = new Random(20261205);
        for (int i = 0; i < 300; i++)
        {
            var copy = (byte[])whole.Clone();
            for (int k = 0; k < 4; k++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            try { Read(copy); }
            catch (NettraceFormatException) { }
        }
    }

    [Fact]
    public void Something_else_than_nettrace_is_named()
    {
        Assert.Contains("Nettrace", Assert.Throws<NettraceFormatException>(() => Read("GET / HTTP/1.1\r\n\r\n"u8.ToArray())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_saved_are_read_back_the_same_and_a_wrong_file_is_named()
    {
        var figures = new DotnetRuntimeFigures
        {
            Counters = [new("gc-heap-size", 34.430944, "MB", "GC Heap Size")],
            Measurements = [new("dotnet.gc.last_collection.heap.size", "gc.heap.generation=loh", 33554432, "By")],
            Settings = [new("gcServer", "1", "DOTNET_gcServer")],
            ReadAt = "2026-12-05T20:00:00Z",
            RssAroundSession = (28_708_864, 39_518_208),
        };
        var back = DotnetRuntimeFigures.Parse(figures.Write(), out string? problem);
        Assert.Null(problem);
        Assert.Equal(figures.Counters, back!.Counters);
        Assert.Equal(figures.Measurements, back.Measurements);
        Assert.Equal(figures.Settings, back.Settings);
        Assert.Equal(figures.ReadAt, back.ReadAt);
        Assert.Equal(figures.RssAroundSession, back.RssAroundSession);
        Assert.Equal(33554432d, back.Measurement("dotnet.gc.last_collection.heap.size", "gc.heap.generation=loh"));
        Assert.Null(DotnetRuntimeFigures.Parse("Total: reserved=1KB\n", out problem));
        Assert.Contains("not a file of .NET runtime figures", problem, StringComparison.Ordinal);
        Assert.Null(DotnetRuntimeFigures.Parse(figures.Write() + "counter\tx\tnot-a-number\t\t\n", out problem));
        Assert.Equal("line 6 is not a counter, meter, setting or session-rss line", problem);
    }
}
