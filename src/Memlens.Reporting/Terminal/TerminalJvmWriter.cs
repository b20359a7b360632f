using System.Globalization;
using Memlens.Core.Runtimes.Jvm;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>The JVM section: its memory pools and collectors by its own counters, the identities, the kernel beside them.</summary>
public static class TerminalJvmWriter
{
    public static void Write(JvmRuntimeSection j, TextWriter w, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        WriteLine(w, $"JVM RUNTIME (Java {j.Version ?? "version unknown"}; collector {j.Collector ?? "unknown"}{(j.LiveThreads is long t ? $"; {t} live Java threads" : "")})", layout);
        WriteLine(w, $"  figures: {j.Source}", layout, "    ");
        w.WriteLine();
        var pools = new TextTable("pool", "reserved", "committed", "used", "meaning") { LeftAligned = new HashSet<int> { 0, 4 }, Elastic = 4, WrapsElastic = true, DropFirst = [1] };
        foreach (var s in j.Spaces) pools.Add(s.Name, Size(s.Reserved), Size(s.Committed), Size(s.Used), s.Meaning);
        pools.WriteTo(w, layout, "  ");
        if (j.Collectors.Count > 0)
        {
            w.WriteLine();
            var gcs = new TextTable("collector", "runs", "time") { LeftAligned = new HashSet<int> { 0 } };
            foreach (var c in j.Collectors) gcs.Add(c.Name, c.Invocations.ToString("N0", CultureInfo.InvariantCulture), $"{c.Seconds:0.000} s");
            gcs.WriteTo(w, layout, "  ");
        }
        TerminalRuntimeParts.WriteIdentities(w, j.Identities, layout);
        TerminalRuntimeParts.WriteKernelView(w, "  the JVM's numbers beside the kernel's:", j.KernelView, layout);
        if (j.NativeMemory.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("  Native Memory Tracking (jcmd VM.native_memory summary) beside memlens's owners:");
            var nmt = new TextTable("NMT category", "reserved", "committed", "memlens owners", "virtual", "committed", "resident", "meaning")
            { LeftAligned = new HashSet<int> { 0, 3, 7 }, Elastic = 7, WrapsElastic = true, DropFirst = [7, 3] };
            foreach (var r in j.NativeMemory)
                nmt.Add(r.Category, Size(r.NmtReserved), Size(r.NmtCommitted), r.Owners, Size(r.Virtual), Size(r.Committed), Size(r.Resident), r.Meaning);
            nmt.WriteTo(w, layout, "  ");
        }
        foreach (var note in j.Notes) WriteLine(w, $"  note: {note}", layout, "      ");
        w.WriteLine();
    }
}
