using System.Globalization;
using System.Text.Json;
using Memlens.Formats.Dotnet;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// The .NET runtime's own figures, asked of it through its diagnostic port: one EventPipe session with the
/// System.Runtime event source's EventCounters (every runtime since .NET Core 3.0) and the System.Runtime meter
/// (.NET 9+: exact bytes, totals since start) at a 1-second interval, read until each has reported once, then
/// stopped. Beside them, the GC settings in force: the DOTNET_GC…/COMPlus_GC… variables (only those names are read
/// from the environment, and only they are kept) and runtimeconfig.json's System.GC.* properties.
/// Opt-in (--runtime): the runtime does the work of a session while it lasts (about two seconds).
/// </summary>
public static class DotnetRuntimeCounters
{
    public const string SnapshotFile = "dotnet-runtime.txt";
    public const string RuntimeFileKey = "dotnet-runtime";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(6);

    /// <summary>The live process's figures added to its snapshot (a snapshot keeps what capture --runtime saved).</summary>
    public static Model.ProcessSnapshot AddTo(Model.ProcessSnapshot snapshot)
    {
        if (snapshot.IsLive && !IsCoreClr(snapshot))
            throw new MemlensException(ExitCode.BadInput, $"pid {snapshot.Pid}: --runtime asks a .NET runtime, and no libcoreclr.so is mapped in this process");
        return RuntimeQuestions.With(snapshot, ".NET runtime", RuntimeFileKey, () =>
        {
            var figures = Read(snapshot.Pid, snapshot.Exe, snapshot.Cmdline, snapshot.Cgroups, out string? problem);
            return (figures is null ? null : System.Text.Encoding.UTF8.GetBytes(figures.Write()), problem);
        });
    }

    public static bool IsCoreClr(Model.ProcessSnapshot s) =>
        s.Regions.Any(r => r.Map.FileBacked && Path.GetFileName(r.Map.FilePath).StartsWith("libcoreclr.so", StringComparison.Ordinal));

    /// <summary>The figures, or null with the reason they could not be had.</summary>
    public static DotnetRuntimeFigures? Read(int pid, string? exe, IReadOnlyList<string> cmdline, IReadOnlyList<Formats.Procfs.CgroupMembership> cgroups, out string? problem)
    {
        problem = null;
        string? socketPath = DotnetDiagnosticPort.FindSocket(pid);
        if (socketPath is null)
        {
            problem = $"no diagnostic port (dotnet-diagnostic-{pid}-…-socket in the process's /tmp): it was started with DOTNET_EnableDiagnostics=0, or its TMPDIR is elsewhere";
            return null;
        }
        ulong? rssBefore = Rss(pid);
        var counters = new Dictionary<string, DotnetCounter>(StringComparer.Ordinal);
        var measurements = new Dictionary<(string, string), DotnetMeasurement>();
        string meterSession = "memlens-" + Guid.NewGuid().ToString("N")[..12];
        var providers = new DotnetDiagnosticPort.Provider[]
        {
            new("System.Runtime", 0xFFFFFFFF, 5, "EventCounterIntervalSec=1"),
            new("System.Diagnostics.Metrics", 0x2, 5, $"SessionId={meterSession};Metrics=System.Runtime;RefreshInterval=1;MaxTimeSeries=1000;MaxHistograms=0"),
        };
        try
        {
            var (connection, session) = DotnetDiagnosticPort.StartSession(socketPath, providers);
            using (connection)
            {
                // The stream is read until the counters repeat and a meter collection has ended with values (or
                // twice without: a runtime before .NET 9 has no System.Runtime meter); the deadline closes the
                // connection, which ends a read that waits.
                using var deadline = new Timer(_ => connection.Dispose(), null, Deadline, Timeout.InfiniteTimeSpan);
                bool countersComplete = false;
                int collections = 0;
                try
                {
                    using var stream = new System.Net.Sockets.NetworkStream(connection, ownsSocket: false);
                    foreach (var e in new NettraceReader(new BufferedStream(stream, 64 * 1024)).Events())
                    {
                        if (e.Provider == "System.Runtime" && e.Name == "EventCounters" && e.Object("Payload") is { } payload)
                        {
                            var c = Counter(payload);
                            if (c is not null && counters.ContainsKey(c.Name)) countersComplete = true;
                            if (c is not null) counters[c.Name] = c;
                        }
                        else if (e.Provider == "System.Diagnostics.Metrics" && e["sessionId"] as string == meterSession)
                        {
                            if (e.Name == "CollectionStop") collections++;
                            else if (Measurement(e) is { } m) measurements[(m.Instrument, m.Tags)] = m;
                        }
                        if (countersComplete && (measurements.Count > 0 ? collections >= 1 : collections >= 2)) break;
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or NettraceFormatException)
                {
                    if (counters.Count == 0 && measurements.Count == 0)
                    {
                        problem = ex is NettraceFormatException f ? $"the runtime's event stream could not be read: {f.Message}" : $"the runtime sent no counters within {Deadline.TotalSeconds:0} s";
                        return null;
                    }
                }
                try { DotnetDiagnosticPort.StopSession(socketPath, session); }
                catch (DiagnosticPortException) { }   // closing the connection ends the session as well
            }
        }
        catch (DiagnosticPortException e)
        {
            problem = e.Message;
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            problem = $"the diagnostic port {socketPath}: {e.Message}";
            return null;
        }
        return new DotnetRuntimeFigures
        {
            Counters = counters.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList(),
            Measurements = measurements.Values.OrderBy(m => m.Instrument, StringComparer.Ordinal).ThenBy(m => m.Tags, StringComparer.Ordinal).ToList(),
            Settings = Settings(pid, exe, cmdline, cgroups),
            ReadAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            RssAroundSession = rssBefore is ulong before && Rss(pid) is ulong after ? (before, after) : null,
        };
    }

    private static ulong? Rss(int pid) =>
        ProcFileReader.TryReadText($"/proc/{pid}/status") is { } text ? StatusFile.Parse(System.Text.Encoding.UTF8.GetBytes(text)).VmRSS : null;

    private static DotnetCounter? Counter(IReadOnlyList<NettraceField> payload)
    {
        object? F(string name) => payload.FirstOrDefault(f => f.Name == name)?.Value;
        if (F("Name") is not string name) return null;
        double? value = F("Increment") as double? ?? F("Mean") as double?;
        return value is double v && double.IsFinite(v) ? new DotnetCounter(name, v, F("DisplayUnits") as string ?? "", F("DisplayName") as string ?? name) : null;
    }

    private static DotnetMeasurement? Measurement(Formats.Dotnet.NettraceEvent e)
    {
        if (e["meterName"] as string != "System.Runtime" || e["instrumentName"] is not string instrument) return null;
        // Counters carry the total since start in "value" (.NET 8+), gauges "lastValue"; the text is invariant.
        string? text = e.Name switch
        {
            "CounterRateValuePublished" or "UpDownCounterRateValuePublished" => e["value"] as string,
            "GaugeValuePublished" => e["lastValue"] as string,
            _ => null,
        };
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? new DotnetMeasurement(instrument, e["tags"] as string ?? "", v, e["unit"] as string ?? "")
            : null;
    }

    /// <summary>
    /// The GC settings in force: DOTNET_GC… and COMPlus_GC… variables (no other variable is kept), the cgroup's memory
    /// limit, runtimeconfig.json's System.GC.*.
    /// </summary>
    private static List<DotnetSetting> Settings(int pid, string? exe, IReadOnlyList<string> cmdline, IReadOnlyList<Formats.Procfs.CgroupMembership> cgroups)
    {
        var settings = new List<DotnetSetting>();
        if (ProcFileReader.TryReadText($"/proc/{pid}/environ") is { } environ)
            foreach (var entry in environ.Split('\0'))
            {
                int eq = entry.IndexOf('=');
                if (eq <= 0) continue;
                string name = entry[..eq];
                foreach (var prefix in new[] { "DOTNET_", "COMPlus_" })
                    if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && name.AsSpan(prefix.Length).StartsWith("GC", StringComparison.OrdinalIgnoreCase))
                        settings.Add(new DotnetSetting(name[prefix.Length..], entry[(eq + 1)..], name));
            }
        // The limit the runtime sizes itself by: a container's memory limit sets a default hard limit (75% of it).
        if (CgroupLocator.MemoryDirectory(cgroups) is { } dir)
            foreach (var file in new[] { "memory.max", "memory.limit_in_bytes" })
                if (ProcFileReader.TryReadText(Path.Combine(dir, file)) is { } limit && ulong.TryParse(limit.Trim(), CultureInfo.InvariantCulture, out ulong bytes) && bytes < 1UL << 60)
                    settings.Add(new DotnetSetting(file, limit.Trim(), "cgroup " + dir));
        if (RuntimeConfigPath(exe, cmdline) is { } config)
        {
            try
            {
                string path = Path.IsPathRooted(config) ? $"/proc/{pid}/root{config}" : $"/proc/{pid}/cwd/{config}";
                if (new FileInfo(path).Length > 1 << 20) return settings;
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (doc.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("configProperties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                    foreach (var p in properties.EnumerateObject())
                        if (p.Name.StartsWith("System.GC.", StringComparison.Ordinal))
                            settings.Add(new DotnetSetting(p.Name, p.Value.ToString(), Path.GetFileName(config)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { }
        }
        return settings;
    }

    /// <summary>APP.runtimeconfig.json beside the app: the apphost's own name, or the .dll that `dotnet` was given.</summary>
    private static string? RuntimeConfigPath(string? exe, IReadOnlyList<string> cmdline)
    {
        string? app = exe is not null && Path.GetFileName(exe) != "dotnet" ? exe
            : cmdline.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) is { } dll ? Path.ChangeExtension(dll, null) : null;
        return app is null ? null : app + ".runtimeconfig.json";
    }
}
