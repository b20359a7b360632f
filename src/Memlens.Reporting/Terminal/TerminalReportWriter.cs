using Memlens.Core.Model;
using Memlens.Core.Reconciliation;
using Memlens.Core.Findings;
using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>The default view of `memlens report`: headline, breakdown by kind and owner, findings, checks, warnings.</summary>
public static class TerminalReportWriter
{
    public static void Write(Report r, TextWriter w, int ownersPerKind = 8, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        int width = layout.TextWidth;
        var p = r.Process;
        var t = r.Totals;
        var h = r.Headline;
        WriteLine(w, $"memlens report: {p.Comm ?? (p.Exe is null ? "?" : Path.GetFileName(p.Exe))} (pid {p.Pid}), {p.Source}{(p.Kernel is null ? "" : $", kernel {p.Kernel}")}", layout);
        if (p.Exe is not null) WriteLine(w, $"executable: {p.Exe}{StartedAs(p.Comm, p.Exe)}", layout);
        w.WriteLine();
        WriteLine(w, $"VSZ {Size(h.Vsz)}   RSS {Size(h.Rss)}   PSS {Size(h.Pss)}   USS {Size(h.Uss)}   swap {Size(h.Swap)}   threads {p.Threads}", layout);
        double pct = h.Vsz == 0 ? 0 : 100.0 * h.ReservedOnly / h.Vsz;
        WriteLine(w, $"reserved only (PROT_NONE, holds no RAM): {Size(h.ReservedOnly)} of VSZ ({pct.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}%); committed (accessible): {Size(t.Committed)}", layout);
        WriteLine(w, $"(from {h.Source})", layout);
        if (r.Runtimes is { Count: > 0 } runtimes)
        {
            w.WriteLine("runtimes and allocators identified:");
            foreach (var rt in runtimes)
            {
                bool first = true;
                foreach (var line in Wrap($"{rt.Name} ({rt.Role}): {string.Join("; ", rt.Evidence)}", width - 6))
                {
                    w.WriteLine((first ? "  " : "    ") + line);
                    first = false;
                }
            }
        }
        w.WriteLine();

        TerminalSummaryWriter.Write(r, w, layout);

        WriteLine(w, "BREAKDOWN BY OWNER (children sum to their parent; RECONCILIATION ties the total to the kernel's counters)", layout);
        // A narrow terminal keeps the owner, virtual, RSS and PSS; the other columns go, the least useful first.
        var table = new TextTable("kind / owner", "regions", "virtual", "reserved", "committed", "rss", "pss", "private", "shared", "swap", "anon")
        { Elastic = 0, DropFirst = [10, 8, 1, 4, 3, 9, 7] };
        foreach (var kind in r.Kinds)
        {
            string? sgr = KindColors.Sgr(kind.Kind);
            table.AddColored(sgr, Cells(kind.Kind, kind.Numbers));
            var owners = r.Groups.Where(g => g.Kind == kind.Kind).ToList();
            foreach (var g in owners.Take(ownersPerKind)) table.AddColored(sgr, Cells("  " + g.Owner + (g.Confidence == "inferred" ? " *" : ""), g.Numbers));
            if (owners.Count > ownersPerKind)
            {
                var rest = owners.Skip(ownersPerKind).ToList();
                table.Add(Cells($"  … {rest.Count} more owners", Figures.Sum(rest.Select(g => g.Numbers))));
            }
        }
        table.AddRule();
        table.Add(Cells("total (Σ every mapping)", t));
        table.WriteTo(w, layout);
        if (r.Groups.Any(g => g.Confidence == "inferred"))
            WriteLine(w, "* inferred: the runtime is identified by another signal and these mappings match its documented layout (the evidence says which: memlens maps --evidence)", layout);
        if (t.Virtual != h.Vsz)
            WriteLine(w, $"The total lists {Size(t.Virtual - h.Vsz)} more than VSZ: {(r.Regions.Any(x => x.Path == "[vsyscall]") ? "[vsyscall] is in maps but outside the mm (see RECONCILIATION)" : "see RECONCILIATION")}.", layout);
        w.WriteLine();

        if (r.Findings.Count > 0)
        {
            w.WriteLine("FINDINGS (largest first)");
            int n = 1;
            foreach (var f in r.Findings)
            {
                WriteLine(w, $"{n++,2}. {f.Title} ({Size(f.Bytes)})", layout);
                foreach (var line in Wrap(f.Text, width - 4)) w.WriteLine("    " + line);
            }
            w.WriteLine();
        }

        if (r.Go is not null) TerminalGoWriter.Write(r.Go, w, layout);
        if (r.Jvm is not null) TerminalJvmWriter.Write(r.Jvm, w, layout);
        if (r.Dotnet is not null) TerminalDotnetWriter.Write(r.Dotnet, w, layout);
        if (r.Core is { } core)
        {
            WriteLine(w, $"CORE ({core.File}: {core.Threads} thread(s), {Size(core.Dumped)} of memory dumped)", layout);
            var dumpTable = new TextTable("kind", "owner", "virtual", "dumped") { LeftAligned = new HashSet<int> { 0, 1 } };
            foreach (var o in core.Owners.Take(ownersPerKind * 3)) dumpTable.AddColored(KindColors.Sgr(o.Kind), o.Kind, o.Owner, Size(o.Virtual), Size(o.Dumped));
            dumpTable.WriteTo(w, layout with { Wide = true }, "  ");
            w.WriteLine("  a core cannot tell:");
            foreach (var c in core.CannotTell) WriteLine(w, $"    - {c}", layout);
            w.WriteLine();
        }

        if (r.Checks.Count > 0)
        {
            w.WriteLine("RECONCILIATION (every identity the files allow)");
            foreach (var c in r.Checks) WriteCheck(w, c, layout: layout);
            w.WriteLine();
        }

        if (r.Warnings.Count > 0)
        {
            w.WriteLine("WARNINGS (the report is partial where these apply)");
            foreach (var warning in r.Warnings) WriteLine(w, "  - " + warning, layout);
        }
    }

    internal static string[] Cells(string label, Figures n) =>
        [label, n.Regions.ToString(System.Globalization.CultureInfo.InvariantCulture), Size(n.Virtual), Size(n.ReservedOnly), Size(n.Committed),
         Size(n.Rss), Size(n.Pss), Size(n.Private), Size(n.Shared), Size(n.Swap), Size(n.Anonymous)];

    /// <summary>
    /// The kernel names a process (comm, 15 bytes) after the path given to execve, while exe is that path with links
    /// resolved: redis-server is a link to redis-check-rdb. Said so, since the two names otherwise look like a mistake.
    /// </summary>
    internal static string StartedAs(string? comm, string exe)
    {
        string file = Path.GetFileName(exe);
        if (comm is null || file.StartsWith(comm, StringComparison.Ordinal)) return "";
        return $" (started as '{comm}': a link to this file, or a name the program gave itself)";
    }
}
