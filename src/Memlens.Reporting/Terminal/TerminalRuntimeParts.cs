using System.Globalization;
using Memlens.Core.Reconciliation;
using Memlens.Core.Runtimes.Go;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>The parts every runtime section shares: its identities, and its figures beside the kernel's.</summary>
internal static class TerminalRuntimeParts
{
    public static void WriteIdentities(TextWriter w, IReadOnlyList<Check> identities, TerminalLayout layout)
    {
        if (identities.Count == 0) return;
        w.WriteLine();
        w.WriteLine("  identities:");
        foreach (var c in identities) WriteCheck(w, c, unit: "", layout: layout);
    }

    public static void WriteKernelView(TextWriter w, string heading, IReadOnlyList<ComparisonRow> rows, TerminalLayout layout)
    {
        w.WriteLine();
        w.WriteLine(heading);
        var view = new TextTable("figure", "bytes", "", "from", "meaning") { LeftAligned = new HashSet<int> { 0, 3, 4 }, Elastic = 4, WrapsElastic = true, DropFirst = [1, 3] };
        foreach (var row in rows)
            view.Add(row.Name, row.Bytes is null ? "?" : row.Bytes.Value.ToString("N0", CultureInfo.InvariantCulture), Size(row.Bytes), row.Source, row.Meaning);
        view.WriteTo(w, layout, "  ");
    }
}
