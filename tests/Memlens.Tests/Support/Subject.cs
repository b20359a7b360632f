using System.Diagnostics;

namespace Memlens.Tests.Support;

/// <summary>
/// A real process the suite builds and starts: it prints a line starting with "ready" once its memory is laid out,
/// and is killed when disposed. Builds happen once per test run, into a temp directory.
/// </summary>
public sealed class Subject : IDisposable
{
    private readonly Process _process;

    private Subject(Process process, string readyLine)
    {
        _process = process;
        ReadyLine = readyLine;
    }

    public int Pid => _process.Id;
    public string ReadyLine { get; }

    public static Subject Start(string file, params string[] args) => Start(file, args, null);

    public static Subject Start(string file, string[] args, IDictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        // A guard against a hung subject, not a speed assertion.
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("ready", StringComparison.Ordinal))
            throw new InvalidOperationException($"{file} did not become ready: '{line}' {process.StandardError.ReadToEnd()}");
        // Let the runtime's background threads settle (they start just after main prints).
        Thread.Sleep(300);
        return new Subject(process, line);
    }

    /// <summary>Waits for the subject to end by itself (after a signal the test sent); false if it is still running.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

/// <summary>Builds the C and Go subjects from tests/subjects once per run.</summary>
public static class SubjectBuilds
{
    private static readonly string Dir = Directory.CreateTempSubdirectory("memlens-subjects-").FullName;
    private static readonly Lazy<string> ThreadsC = new(() => Run("gcc", "-O1", "-Wall", "-pthread", "-o", Out("threads"), Source("threads.c")));
    private static readonly Lazy<string> ManyMapsC = new(() => Run("gcc", "-O2", "-o", Out("many-maps"), Source("many-maps.c")));
    private static readonly Lazy<string> CloneVmC = new(() => Run("gcc", "-O1", "-Wall", "-o", Out("clonevm"), Source("clonevm.c")));
    private static readonly Lazy<string> TopChunkC = new(() => Run("gcc", "-O1", "-Wall", "-o", Out("topchunk"), Source("topchunk.c")));
    private static readonly Lazy<string> GrowC = new(() => Run("gcc", "-O1", "-Wall", "-o", Out("grow"), Source("grow.c")));
    private static readonly Lazy<string> AllocsC = new(() => Run("gcc", "-O1", "-Wall", "-pthread", "-o", Out("allocs"), Source("allocs.c")));
    private static readonly Lazy<string> AllocsMusl = new(() => Run("musl-gcc", "-O1", "-Wall", "-pthread", "-o", Out("allocs-musl"), Source("allocs.c")));
    private static readonly Lazy<string> GoCgo = new(() => Go("gohttp-cgo", cgo: true));
    private static readonly Lazy<string> GoPure = new(() => Go("gohttp-pure", cgo: false));

    public static string Threads => ThreadsC.Value;
    /// <summary>bench/many-maps.c: a process with as many separate mappings as asked for.</summary>
    public static string ManyMaps => ManyMapsC.Value;
    /// <summary>tests/subjects/clonevm.c: a parent with a fork()ed child and a clone(CLONE_VM) child.</summary>
    public static string CloneVm => CloneVmC.Value;
    /// <summary>tests/subjects/allocs.c: 4 threads × 2,000 blocks of 16 KiB and one of 2 MiB, for other allocators.</summary>
    public static string Allocs => AllocsC.Value;
    /// <summary>tests/subjects/topchunk.c: a 32 MiB malloc'd chunk with a mapping made after it merged below it.</summary>
    public static string TopChunk => TopChunkC.Value;
    /// <summary>A steady native leak: 1 MiB malloc'd and touched every 50 ms.</summary>
    public static string Grow => GrowC.Value;
    /// <summary>The same, built with musl-gcc (dynamically linked against musl).</summary>
    public static string AllocsWithMusl => AllocsMusl.Value;
    public static string GoHttpCgo => GoCgo.Value;
    public static string GoHttpPure => GoPure.Value;

    public static string DotnetSubjectDll => Path.Combine(AppContext.BaseDirectory, "DotnetSubject.dll");

    public static string Source(string name) => Path.Combine(AppContext.BaseDirectory, "subjects", name);

    private static string Out(string name) => Path.Combine(Dir, name);

    private static string Go(string name, bool cgo)
    {
        var env = new Dictionary<string, string> { ["CGO_ENABLED"] = cgo ? "1" : "0", ["GO111MODULE"] = "off" };
        // Without HOME (a bare CI environment) Go has no default cache or GOPATH: give it both.
        if (Environment.GetEnvironmentVariable("HOME") is null)
        {
            if (Environment.GetEnvironmentVariable("GOCACHE") is null) env["GOCACHE"] = Path.Combine(Dir, "gocache");
            if (Environment.GetEnvironmentVariable("GOPATH") is null) env["GOPATH"] = Path.Combine(Dir, "gopath");
        }
        return RunEnv(env, "go", "build", "-o", Out(name), Source("gohttp.go"));
    }

    private static string Run(string file, params string[] args) => RunEnv(null, file, args);

    private static string RunEnv(Dictionary<string, string>? env, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {err}");
        return args[Array.IndexOf(args, "-o") + 1];
    }
}
