using Memlens.Core.Accounting;
using Memlens.Core.Classification;
using Memlens.Core.Findings;
using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes;
using Memlens.Core.Runtimes.Go;
using Memlens.Formats.Metrics;

namespace Memlens.Core.Analysis;

/// <summary>
/// The one pipeline from a snapshot to its analysis: divide merged VMAs, identify runtimes, classify, sum, check,
/// explain. The only caller of the classifier. The first analysis of a snapshot owns its regions; analysing it again
/// owns copies, so every analysis starts from the mappings as read.
/// </summary>
public static class Analyzer
{
    /// <param name="metrics">runtime metrics pages given on the command line, beside any saved in the snapshot.</param>
    /// <param name="withFindings">false where only owners are wanted (top's detailed rows, capture).</param>
    public static ProcessAnalysis Analyze(ProcessSnapshot s, IReadOnlyList<(string Source, string Text)>? metrics = null,
        bool withFindings = true, IReadOnlyList<IRuntimeModule>? modules = null)
    {
        var warnings = new List<string>(s.Warnings);
        var regions = MergedVmaSplitter.Split(s, warnings) ?? s.TakeRegions();
        IReadOnlyList<(string Source, string Text)> pages = [.. s.MetricsPages, .. metrics ?? []];
        var signals = new RuntimeSignals(s, regions, pages);
        var runtimes = Classifier.Classify(signals, modules);
        var breakdown = Breakdown.Of(regions);
        if (!withFindings)
            return new ProcessAnalysis { Snapshot = s, Regions = regions, Runtimes = runtimes, Breakdown = breakdown, Checks = [], Findings = [], Warnings = warnings };
        var go = GoSection(signals, runtimes, regions, breakdown, pages, warnings);
        var findings = FindingsWriter.Write(new FindingContext(s, regions, breakdown, runtimes), modules);
        return new ProcessAnalysis
        {
            Snapshot = s,
            Regions = regions,
            Runtimes = runtimes,
            Breakdown = breakdown,
            Checks = Reconciler.Check(s),
            Findings = findings,
            Go = go,
            Jvm = runtimes.ContainsKey(Runtimes.Jvm.JvmModule.ModuleName) ? Runtimes.Jvm.JvmRuntimeView.Build(s, breakdown) : null,
            Dotnet = runtimes.ContainsKey(Runtimes.Dotnet.DotnetModule.ModuleName) ? Runtimes.Dotnet.DotnetRuntimeView.Build(s, breakdown) : null,
            Warnings = warnings,
        };
    }

    private static GoRuntimeSection? GoSection(RuntimeSignals signals, IReadOnlyDictionary<string, RuntimeIdentification> runtimes,
        IReadOnlyList<Region> regions, Breakdown breakdown, IReadOnlyList<(string Source, string Text)> pages, List<string> warnings)
    {
        var facts = GoFactsReader.Read(signals, runtimes);
        if (facts is null)
        {
            if (pages.Count > 0)
                warnings.Add(signals.ExeLayout is not null
                    ? "runtime metrics were given, but the executable is not a Go binary; they were not used"
                    : "runtime metrics were given, but nothing identifies the process as Go (not its metrics or its mappings); they were not used");
            return null;
        }
        var stats = pages.Select(p => RuntimeMetricsReader.Parse(p.Text, p.Source)).ToList();
        return GoRuntimeView.Build(signals.Snapshot, breakdown, facts, stats);
    }
}
