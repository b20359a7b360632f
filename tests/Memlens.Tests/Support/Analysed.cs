using Memlens.Core.Analysis;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Model;

namespace Memlens.Tests.Support;

/// <summary>The analysis and report of a core, the way `memlens report CORE` makes them.</summary>
public static class Analysed
{
    public static (Report Report, ProcessAnalysis Analysis) Core(CoreSource.Loaded loaded)
    {
        var analysis = Analyzer.Analyze(loaded.Snapshot);
        return (CoreReportBuilder.Build(loaded, analysis), analysis);
    }

    public static Report CoreReport(string path) => Core(CoreSource.Load(path)).Report;
}
