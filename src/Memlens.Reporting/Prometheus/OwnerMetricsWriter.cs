using System.Globalization;
using System.Text;
using Memlens.Core.Machine;
using Memlens.Core.Model;

namespace Memlens.Reporting.Prometheus;

/// <summary>
/// `memlens exporter`'s page in the Prometheus text format (0.0.4): per process group, the kernel's bytes, the bytes of
/// each kind of owner and of the largest owners, the reconciliation residuals, and the scrape's own cost. Every series
/// is bounded by construction (docs/exporter.md): groups and owners are the largest N and M plus one "other" each, and
/// no label holds a pid.
/// </summary>
public static class OwnerMetricsWriter
{
    public static string Write(OwnerSample s)
    {
        var w = new StringBuilder();
        Help(w, "memlens_group_processes", "Processes in the group (program, user or cgroup) at the sample.");
        foreach (var g in Groups(s)) Line(w, "memlens_group_processes", g.Processes, ("group", g.Key));

        Help(w, "memlens_group_bytes", "Memory of all the group's processes as the kernel counts it (status VmSize; smaps_rollup Rss, Pss, Private_*, Swap), summed; a process sharing another's address space counts once.");
        foreach (var k in Groups(s))
        {
            foreach (var (measure, value) in new[] { ("virtual", k.Vsz), ("rss", k.Rss), ("pss", k.Pss), ("private", k.Uss), ("swap", k.Swap) })
                Line(w, "memlens_group_bytes", value, ("group", k.Key), ("measure", measure));
        }

        Help(w, "memlens_group_examined_processes", "The group's processes classified owner by owner for this sample (the largest by PSS); the kind and owner series cover these.");
        foreach (var g in s.Groups) Line(w, "memlens_group_examined_processes", g.Examined, ("group", g.Group.Key));

        Help(w, "memlens_kind_bytes", "Memory of the group's examined processes by kind of owner (image, native-heap, stack, go, dotnet, jvm, v8, python, mapped-file, shared-memory, kernel, named, unattributed), by measure.");
        foreach (var g in s.Groups)
            foreach (var k in g.Kinds)
                Measures(w, "memlens_kind_bytes", k.Figures, ("group", g.Group.Key), ("kind", k.Kind));

        Help(w, "memlens_owner_bytes", "Memory of the group's largest owners by PSS (an executable or library, a malloc arena, thread stacks, a runtime's heap, …), summed over its examined processes, the rest as owner \"other\"; by measure.");
        foreach (var g in s.Groups)
            foreach (var o in g.Owners)
                Measures(w, "memlens_owner_bytes", o.Figures, ("group", g.Group.Key), ("kind", o.Kind), ("owner", o.Owner));

        Help(w, "memlens_reconciliation_residual_bytes", "Σ over the examined processes of |expected − actual| of each identity memlens checks (status against smaps, statm, smaps_rollup); 0 when every view adds up.");
        foreach (var g in s.Groups)
            foreach (var (check, residual) in g.Residuals.OrderBy(r => r.Key, StringComparer.Ordinal))
                Line(w, "memlens_reconciliation_residual_bytes", residual, ("group", g.Group.Key), ("check", check));

        Help(w, "memlens_scrape_processes", "Processes seen by the sample's sweep of /proc, by what became of them.");
        Line(w, "memlens_scrape_processes", s.Sweep.Processes.Count, ("state", "read"));
        Line(w, "memlens_scrape_processes", s.Sweep.Vanished, ("state", "vanished"));
        Line(w, "memlens_scrape_processes", s.Sweep.Denied, ("state", "denied"));

        Help(w, "memlens_scrape_duration_seconds", "Time the sample took: the sweep of every process and the classification of the examined ones.");
        w.Append(CultureInfo.InvariantCulture, $"memlens_scrape_duration_seconds {s.Took.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture)}\n");
        return w.ToString();
    }

    private static IEnumerable<ProcessGroup> Groups(OwnerSample s) => s.Groups.Select(g => g.Group).Concat(s.Rest is null ? [] : [s.Rest]);

    private static void Measures(StringBuilder w, string name, Figures f, params (string Name, string Value)[] labels)
    {
        foreach (var (measure, value) in new (string, ulong?)[] { ("virtual", f.Virtual), ("committed", f.Committed), ("rss", f.Rss), ("pss", f.Pss), ("private", f.Private), ("swap", f.Swap) })
            if (value is ulong v) Line(w, name, v, [.. labels, ("measure", measure)]);
    }

    private static void Help(StringBuilder w, string name, string help) =>
        w.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\n# TYPE {name} gauge\n");

    private static void Line(StringBuilder w, string name, ulong value, params (string Name, string Value)[] labels)
    {
        w.Append(name).Append('{');
        for (int i = 0; i < labels.Length; i++)
        {
            if (i > 0) w.Append(',');
            w.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
        }
        w.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Line(StringBuilder w, string name, long value, params (string Name, string Value)[] labels) => Line(w, name, (ulong)Math.Max(0, value), labels);

    /// <summary>A label value as the text format wants it: backslash, double quote and newline escaped.</summary>
    public static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
