using System.Diagnostics;
using System.Globalization;
using Json.Schema;
using Memlens.Reporting.Json;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>
/// docs/schema/NAME.schema.json is generated from the serializer's types (MEMLENS_UPDATE_EXPECTED=1 rewrites it), and
/// the JSON every command writes on real processes and fixtures is valid against it.
/// </summary>
public sealed class SchemaTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    public void Dispose() => _temp.Dispose();

    private static string SchemaPath(string name) => Path.Combine(Fixtures.RepositoryRoot, "docs", "schema", $"{name}.schema.json");

    [Fact]
    public void Every_schema_in_docs_is_the_one_the_serializer_generates()
    {
        foreach (var (name, type) in JsonSchemas.All)
        {
            string generated = JsonSchemas.Generate(type);
            string path = SchemaPath(name);
            if (Environment.GetEnvironmentVariable("MEMLENS_UPDATE_EXPECTED") == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, generated);
            }
            Assert.True(File.Exists(path), $"{path} is missing: run the tests once with MEMLENS_UPDATE_EXPECTED=1");
            Assert.Equal(File.ReadAllText(path), generated);
        }
    }

    private static void AssertValid(string name, string json)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(SchemaPath(name)));
        foreach (var line in json.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{name}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5)));
        }
    }

    private static string Json(params string[] args)
    {
        var r = MemlensCli.Run([.. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Error);
        return r.Out;
    }

    [Fact]
    public void Outputs_of_fixtures_are_valid()
    {
        AssertValid("report", Json("report", Fixtures.Dir("c-threads")));
        AssertValid("report", Json("report", Fixtures.Dir("kube-proxy-text")));
        AssertValid("maps", Json("maps", Fixtures.Dir("go-cgo-http")));
        AssertValid("go", Json("go", Fixtures.Dir("kube-proxy-text")));
        AssertValid("threads", Json("threads", Fixtures.Dir("c-threads")));
        AssertValid("diff", Json("diff", Fixtures.Dir("c-threads"), Fixtures.Dir("c-threads-cgroup-v2")));
        AssertValid("cgroup", Json("cgroup", Fixtures.Dir("c-threads-cgroup-v2")));
        AssertValid("elf", Json("elf", "/bin/ls"));
        AssertValid("explain", Json("explain", "HeapReleased"));
    }

    [Fact]
    public void Outputs_of_live_processes_are_valid()
    {
        using var subject = Subject.Start(SubjectBuilds.Threads);
        string pid = subject.Pid.ToString(CultureInfo.InvariantCulture);
        AssertValid("report", Json("report", pid));
        AssertValid("watch", Json("watch", pid, "--interval", "100ms", "--count", "2"));
        AssertValid("capture", Json("capture", pid, "-o", Path.Combine(_temp.New("memlens-schema-"), "snap")));
        AssertValid("top", Json("top", "-n", "5"));
        string db = Path.Combine(_temp.New("memlens-schema-history-"), "h.db");
        Assert.Equal(0, MemlensCli.Run("record", pid, "--db", db, "--interval", "50ms", "--count", "3", "--full-every", "1").ExitCode);
        AssertValid("history", Json("history", pid, "--db", db));
        string log = Path.Combine(_temp.New("memlens-schema-strace-"), "log");
        using (var strace = Process.Start("strace", ["-f", "-o", log, "/bin/true"])) strace.WaitForExit();
        AssertValid("strace", Json("strace", log));
    }

    [Fact]
    public void Format_json_and_output_file_give_the_same_json_as_json_on_stdout()
    {
        string file = Path.Combine(_temp.New("memlens-o-"), "report.json");
        var r = MemlensCli.Run("report", Fixtures.Dir("c-threads"), "--format", "json", "-o", file);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(string.Empty, r.Out);
        Assert.Equal(Json("report", Fixtures.Dir("c-threads")), File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));
    }

    [Fact]
    public void Output_into_a_missing_directory_is_exit_8_and_creates_nothing()
    {
        string dir = Path.Combine(_temp.New("memlens-o-"), "missing");
        var r = MemlensCli.Run("report", Fixtures.Dir("c-threads"), "-o", Path.Combine(dir, "r.txt"));
        Assert.Equal(8, r.ExitCode);
        Assert.Contains("does not exist", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error_that_names_the_formats()
    {
        var r = MemlensCli.Run("elf", "/bin/ls", "--format", "yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--format yaml: this command writes text, json", r.Error, StringComparison.Ordinal);
    }
}
