using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Go;

/// <summary>Go facts from the executable's layout, with the evidence for cgo stated in words.</summary>
public static class GoFactsReader
{
    public static GoFacts? Read(ProcessSnapshot s)
    {
        var context = new ClassificationContext(s);
        var exe = context.ExeLayout;
        if (exe?.IsGo != true) return null;
        bool? cgo = exe.GoSettings is { } settings && settings.TryGetValue("CGO_ENABLED", out var v) ? v == "1" : null;
        var evidence = new List<string>();
        if (cgo is not null) evidence.Add($"CGO_ENABLED={(cgo.Value ? 1 : 0)} in .go.buildinfo");
        if (exe.Interpreter is not null) evidence.Add($"dynamically linked (interpreter {exe.Interpreter})");
        else evidence.Add("statically linked (no PT_INTERP)");
        evidence.Add(context.HasGlibc ? "libc is mapped" : "no libc is mapped");
        cgo ??= context.HasGlibc;   // without build info, a mapped libc is the evidence
        string words = $"{(cgo.Value ? "enabled" : "disabled")}: {string.Join("; ", evidence)}";
        return new GoFacts(exe.GoVersion, cgo, words, exe.GoEndpoints ?? []);
    }
}
