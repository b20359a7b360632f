using Memlens.Core.Model;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>`memlens maps`: every mapping with its owner, like pmap -X with a classification column.</summary>
public static class TerminalMapsWriter
{
    public static void Write(IReadOnlyList<RegionRow> regions, TextWriter w, bool evidence, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        // A narrow terminal keeps the address, size, RSS and owner (coloured by its kind).
        var table = new TextTable("address", "perms", "size", "rss", "pss", "private", "swap", "kind", "owner", "detail")
        { LeftAligned = new HashSet<int> { 0, 1, 7, 8, 9 }, Elastic = 8, DropFirst = [9, 6, 5, 4, 1, 7], ColoredColumn = 8 };
        foreach (var r in regions)
        {
            table.AddColored(KindColors.Sgr(r.Kind), $"{r.Start}-{r.End}", r.Perms, Size(r.Numbers.Virtual), Size(r.Numbers.Rss), Size(r.Numbers.Pss),
                Size(r.Numbers.Private), Size(r.Numbers.Swap), r.Kind, r.Owner + (r.Confidence == "inferred" ? " *" : ""), r.Detail);
        }
        table.WriteTo(w, layout);
        if (evidence)
        {
            w.WriteLine();
            w.WriteLine("EVIDENCE");
            foreach (var r in regions) Text.WriteLine(w, $"  {r.Start}-{r.End}: {r.Evidence}", layout, continuation: "    ");
        }
        var total = Figures.Sum(regions.Select(r => r.Numbers));
        Text.WriteLine(w, $"{regions.Count} mappings: virtual {Size(total.Virtual)}, rss {Size(total.Rss)}, pss {Size(total.Pss)}, private {Size(total.Private)}, swap {Size(total.Swap)}", layout);
    }
}
