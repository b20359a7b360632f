namespace Memlens.Core.Runtimes.Go;

/// <summary>Go facts from the executable's layout (or, without the binary, from the metrics), with the evidence for cgo in words.</summary>
public static class GoFactsReader
{
    /// <returns>null when the process is not identified as Go.</returns>
    public static GoFacts? Read(RuntimeSignals signals, IReadOnlyDictionary<string, RuntimeIdentification> runtimes)
    {
        if (!runtimes.ContainsKey(GoModule.ModuleName)) return null;
        bool hasGlibc = runtimes.ContainsKey(Glibc.GlibcNames.Module);
        var exe = signals.ExeLayout;
        var evidence = new List<string>();
        bool? cgo = null;
        if (exe is { IsGo: true })
        {
            cgo = exe.GoSettings is { } settings && settings.TryGetValue("CGO_ENABLED", out var v) ? v == "1" : null;
            if (cgo is not null) evidence.Add($"CGO_ENABLED={(cgo.Value ? 1 : 0)} in .go.buildinfo");
            if (exe.Interpreter is not null) evidence.Add($"dynamically linked (interpreter {exe.Interpreter})");
            else evidence.Add("statically linked (no PT_INTERP)");
        }
        else evidence.Add("the executable was not readable as a Go binary, so build settings are unknown");
        evidence.Add(hasGlibc ? "libc is mapped" : "no libc is mapped");
        cgo ??= hasGlibc;   // without build info, a mapped libc is the evidence
        string words = $"{(cgo.Value ? "enabled" : "disabled")}: {string.Join("; ", evidence)}";
        string? version = exe is { IsGo: true } ? exe.GoVersion : null;
        return new GoFacts(version ?? GoModule.VersionFromMetrics(signals.MetricsPages), cgo, words, exe?.GoEndpoints ?? []);
    }
}
