using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Memlens.Tests.Support;

namespace Memlens.Tests.Fuzzing;

/// <summary>
/// A mutation run per reader (docs/fuzzing.md): every input either reads or is refused with memlens's own one-line
/// failure; none throws anything else, none takes longer than <see cref="HangSeconds"/>. The suite runs a short,
/// run of each with a fixed random sequence; MEMLENS_FUZZ_INPUTS and MEMLENS_FUZZ_RANDOM make the long campaign. Whatever a run finds
/// is written out; fixed, it goes in tests/fuzz-corpus/TARGET/ and is replayed by every run after.
/// </summary>
public sealed class FuzzTests
{
    public const int HangSeconds = 10;
    /// <summary>MEMLENS_FUZZ_INPUTS for the readers named in MEMLENS_FUZZ_ONLY (all when unset; the others get the short run).</summary>
    private static int InputsFor(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable("MEMLENS_FUZZ_INPUTS"), out int n) && n > 0
        && (Environment.GetEnvironmentVariable("MEMLENS_FUZZ_ONLY") is not { Length: > 0 } only || only.Split(',').Contains(name)) ? n : 1500;
    private static int RandomStart => int.TryParse(Environment.GetEnvironmentVariable("MEMLENS_FUZZ_RANDOM"), out int s) ? s : 20261203;

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    private static string CorpusDir(string target) => Path.Combine(Fixtures.RepositoryRoot, "tests", "fuzz-corpus", target);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_mutation_run_finds_no_crash_and_no_hang(string name)
    {
        var target = FuzzTargets.All.Single(t => t.Name == name);
        var real = target.RealInputs();
        Assert.NotEmpty(real);
        foreach (var s in real) Assert.Null(FuzzTargets.Try(target, s));   // the real inputs themselves read cleanly

        int inputs = InputsFor(name);
        byte[] current = [];
        long done = 0;
        var slowest = TimeSpan.Zero;
        Exception? crash = null;
        // A stable start per target (string.GetHashCode differs between runs).
        var rng = new Random(RandomStart ^ BitConverter.ToInt32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))));
        var pool = new List<byte[]>(real);
        string? trace = Environment.GetEnvironmentVariable("MEMLENS_FUZZ_TRACE");
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            for (; done < inputs && crash is null; done++)
            {
                // Half from the real inputs, half from earlier mutants, so damage accumulates as it does in real files.
                var parent = rng.Next(2) == 0 ? real[rng.Next(real.Length)] : pool[rng.Next(pool.Count)];
                current = Mutator.Mutate(parent, real, rng, target.Text);
                // A crash no catch can see (a stack overflow ends the process): the input is on disk before it runs.
                if (trace is not null) File.WriteAllBytes(trace + "." + name, current);
                var w = Stopwatch.StartNew();
                crash = FuzzTargets.Try(target, current);
                if (w.Elapsed > slowest) slowest = w.Elapsed;
                if (pool.Count < 256) pool.Add(current);
                else pool[rng.Next(pool.Count)] = current;
            }
        });
        bool finished = await Task.WhenAny(run, WatchForHang(run, () => done)) == run;
        if (!finished || crash is not null)
        {
            string saved = Path.Combine(Path.GetTempPath(), $"memlens-fuzz-{name}-{Convert.ToHexString(SHA256.HashData(current))[..16]}.bin");
            File.WriteAllBytes(saved, current);
            Assert.Fail(finished
                ? $"{name}: input {done:N0} (saved as {saved}) threw {crash}"
                : $"{name}: input {done:N0} (saved as {saved}) ran longer than {HangSeconds} s");
        }
        if (Environment.GetEnvironmentVariable("MEMLENS_FUZZ_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {done:N0} | 0 | 0 | {clock.Elapsed.TotalSeconds:0} s | {slowest.TotalMilliseconds:0.0} ms | {RandomStart} |\n"));
    }

    /// <summary>Completes (failing the run) when no input has finished for <see cref="HangSeconds"/>.</summary>
    private static async Task WatchForHang(Task run, Func<long> progress)
    {
        long last = -1;
        var since = Stopwatch.StartNew();
        while (!run.IsCompleted)
        {
            await Task.Delay(500);
            long now = progress();
            if (now != last) { last = now; since.Restart(); }
            else if (since.Elapsed > TimeSpan.FromSeconds(HangSeconds)) return;
        }
        await Task.Delay(Timeout.Infinite);   // the run finished first
    }

    public static TheoryData<string> CorpusFiles =>
    [
        .. FuzzTargets.All.SelectMany(t => Directory.Exists(CorpusDir(t.Name))
            ? Directory.GetFiles(CorpusDir(t.Name)).Select(f => $"{t.Name}/{Path.GetFileName(f)}")
            : []),
    ];

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void What_fuzzing_found_stays_fixed(string file)
    {
        var target = FuzzTargets.All.Single(t => t.Name == file[..file.IndexOf('/')]);
        Assert.Null(FuzzTargets.Try(target, File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "tests", "fuzz-corpus", file))));
    }
}
