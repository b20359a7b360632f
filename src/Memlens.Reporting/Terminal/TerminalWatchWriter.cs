using Memlens.Reporting.Model;
using static Memlens.Reporting.Terminal.Text;

namespace Memlens.Reporting.Terminal;

/// <summary>`memlens watch`: one block per sample.</summary>
public static class TerminalWatchWriter
{
    public static void Write(WatchSample s, TextWriter w)
    {
        string time = s.Time.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        if (s.Read == WatchSample.RollupOnly)
        {
            w.WriteLine($"sample {s.Sample} {time}: RSS {Size(s.Rss)}, PSS {Size(s.Pss)}, swap {Size(s.Swap)} ({s.Note})");
            return;
        }
        var start = s.SinceStart!;
        w.WriteLine($"sample {s.Sample} {time}, pid {s.Pid} ({s.Name}): VSZ {Size(start.TotalAfter.Virtual)}, RSS {Size(start.TotalAfter.Rss)}");
        w.WriteLine("SINCE THE START");
        TerminalChangeWriter.WriteDiff(start, w, regions: false);
        if (s.SinceLast is not null)
        {
            w.WriteLine("SINCE THE LAST SAMPLE");
            TerminalChangeWriter.WriteDiff(s.SinceLast, w, regions: false);
        }
        w.WriteLine();
    }
}
