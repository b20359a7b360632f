using Memlens.Core.Analysis;
using System.CommandLine;
using Memlens.Core.Sources;
using Memlens.Reporting;
using Memlens.Reporting.Csv;
using Memlens.Reporting.Json;
using Memlens.Reporting.Model;
using Memlens.Reporting.Terminal;

namespace Memlens.Cli.Commands;

/// <summary>`memlens maps TARGET`: every mapping with its owner, like pmap -X with a classification column.</summary>
internal static class MapsCommand
{
    private static readonly Argument<string> Target = CommonOptions.Target();
    private static readonly Option<string> Sort = new("--sort") { Description = "order: address (default), rss, size or pss, largest first" };
    private static readonly Option<string> Kind = new("--kind") { Description = "only mappings of this kind (image, native-heap, stack, go, dotnet, jvm, mapped-file, shared-memory, kernel, named, unattributed)" };
    private static readonly Option<string> Owner = new("--owner") { Description = "only mappings whose owner contains this text" };
    private static readonly Option<bool> Evidence = new("--evidence") { Description = "print each mapping's evidence after the table" };

    public static Command Create(CliConsole console)
    {
        Sort.AcceptOnlyFromAmong("address", "rss", "size", "pss");
        var command = new Command("maps", "every mapping with its owner, kind and evidence")
        {
            Target, Sort, Kind, Owner, Evidence, CommonOptions.ProcRoot,
        };
        CommonOptions.AddOutput(command);
        command.SetAction(parse => Program.Guard(console, () => Run(console, parse.GetValue(Target)!, parse.GetValue(Sort) ?? "address",
            parse.GetValue(Kind), parse.GetValue(Owner), parse.GetValue(Evidence), parse, new ProcRoot(parse.GetValue(CommonOptions.ProcRoot)!))));
        return command;
    }

    public static int Run(CliConsole console, string target, string sort, string? kind, string? owner, bool evidence, ParseResult parse, ProcRoot proc)
    {
        if (kind is not null && !Memlens.Core.Model.Kinds.All.Contains(kind))
            throw new Memlens.Core.MemlensException(Memlens.Core.ExitCode.Usage, $"--kind {kind}: not a kind (one of {string.Join(", ", Memlens.Core.Model.Kinds.All)})");
        var report = ReportBuilder.Build(Analyzer.Analyze(TargetResolver.Load(target, proc, console.In)));
        IEnumerable<RegionRow> rows = report.Regions;
        if (kind is not null) rows = rows.Where(r => r.Kind == kind);
        if (owner is not null) rows = rows.Where(r => r.Owner.Contains(owner, StringComparison.OrdinalIgnoreCase));
        rows = sort switch
        {
            "rss" => rows.OrderByDescending(r => r.Numbers.Rss ?? 0),
            "size" => rows.OrderByDescending(r => r.Numbers.Virtual),
            "pss" => rows.OrderByDescending(r => r.Numbers.Pss ?? 0),
            _ => rows,
        };
        var list = rows.ToList();
        return Output.Emit(console, parse, (IReadOnlyList<RegionRow>)list,
            Output.TextJsonAndCsv(() => ReportWriteJsonContext.Default.IReadOnlyListRegionRow, (r, w) => TerminalMapsWriter.Write(r, w, evidence, Output.Layout(console, parse)), CsvWriters.Maps));
    }
}
