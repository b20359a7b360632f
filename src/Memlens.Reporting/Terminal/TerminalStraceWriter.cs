using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>`memlens strace`: per process, VSZ explained per thread and per owner, with exact numbers.</summary>
public static class TerminalStraceWriter
{
    public static void Write(StraceReport r, TextWriter w, bool regions, TerminalLayout? layout = null)
    {
        layout ??= TerminalLayout.Plain;
        Text.WriteLine(w, $"memlens strace: {r.Log}: {r.Lines:N0} lines, {r.Processes.Count} process(es){(r.GarbageLines > 0 ? $", {r.GarbageLines} unreadable line(s)" : "")}{(r.StoppedAt is null ? "" : $"; replayed up to {r.StoppedAt}")}", layout);
        if (r.DroppedExitedProcesses > 0) Text.WriteLine(w, $"({r.DroppedExitedProcesses} earlier exited processes were replayed but not kept)", layout);
        Text.WriteLine(w, "Mappings the kernel makes at execve (the executable, the dynamic loader, [stack], [vdso]) are not system calls and are not in the log.", layout);
        foreach (var p in r.Processes)
        {
            w.WriteLine();
            Text.WriteLine(w, $"PROCESS {p.Pid} {p.Exe ?? "(executable not in the log)"}: lines {p.FirstLine}–{p.LastLine}{(p.Exited ? ", exited" : "")}", layout);
            Text.WriteLine(w, $"  at the end: VSZ {Size(p.Virtual)} ({p.Virtual:N0}), of which accessible {Size(p.Committed)}, reserved only {Size(p.Virtual - p.Committed)}; peak VSZ {Size(p.PeakVirtual)}", layout, "    ");
            w.WriteLine();
            w.WriteLine("  BY THREAD (what each thread's calls did to the address space)");
            var t = new TextTable("tid", "calls", "mapped", "unmapped", "net", "made accessible", "made PROT_NONE", "madvise'd away", "failed", "started on stack")
            { DropFirst = [9, 7, 6, 5, 8, 1] };
            foreach (var x in p.Threads)
                t.Add(x.Tid.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture), Size(x.Mapped), Size(x.Unmapped),
                    (x.Mapped >= x.Unmapped ? "+" : "−") + Size(x.Mapped >= x.Unmapped ? x.Mapped - x.Unmapped : x.Unmapped - x.Mapped),
                    Size(x.Committed), Size(x.Decommitted), Size(x.Released), x.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture), x.StackPointer is null ? "" : "0x" + x.StackPointer);
            t.WriteTo(w, layout, "  ");
            w.WriteLine();
            w.WriteLine("  BY OWNER (the end state, classified like a live process)");
            var o = new TextTable("kind", "owner", "regions", "virtual", "accessible", "created by")
            { LeftAligned = new HashSet<int> { 0, 1, 5 }, Elastic = 1, DropFirst = [5, 2] };
            foreach (var x in p.Owners)
                o.AddColored(KindColors.Sgr(x.Kind), x.Kind, x.Owner, x.Regions.ToString(System.Globalization.CultureInfo.InvariantCulture), Size(x.Virtual), Size(x.Committed), x.CreatedBy);
            o.AddRule();
            o.Add("total", "", p.Regions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Size(p.Virtual), Size(p.Committed), "");
            o.WriteTo(w, layout, "  ");
            if (regions)
            {
                w.WriteLine();
                // The owner whole in a file or a pipe, middle-elided on a narrow terminal (never cut at a fixed width).
                var ranges = new TextTable("range", "perms", "size", "kind", "owner", "created (and last changed) by")
                { LeftAligned = new HashSet<int> { 0, 1, 3, 4, 5 }, Elastic = 4, DropFirst = [1, 3, 5] };
                foreach (var g in p.Regions)
                    ranges.AddColored(KindColors.Sgr(g.Kind), $"{g.Start}-{g.End}", g.Perms, Size(g.Size), g.Kind, g.Owner,
                        $"line {g.Created.Line} thread {g.Created.Tid} {g.Created.Call}{(g.Changed is null ? "" : $", then line {g.Changed.Line} thread {g.Changed.Tid} {g.Changed.Call}")}");
                ranges.WriteTo(w, layout, "  ");
            }
            if (p.Comparison is { } c)
            {
                w.WriteLine();
                Text.WriteLine(w, $"  LINED UP WITH {c.Target}: {c.Matched} ranges match, {c.OnlyInLog} only in the log, {c.OnlyInTarget} only in the target ({Size(c.OnlyInTargetBytes)}: the kernel's own mappings and anything mapped outside the log)", layout, "    ");
                foreach (var d in c.Differences.Take(20)) Text.WriteLine(w, $"    {d}", layout, "    ");
            }
        }
        if (r.Problems.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("PROBLEMS IN THE LOG (replayed as far as possible)");
            foreach (var p in r.Problems.Take(30)) Text.WriteLine(w, $"  - {p}", layout, "    ");
        }
    }
}
