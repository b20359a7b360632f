using Memlens.Reporting.Model;

namespace Memlens.Reporting.Csv;

/// <summary>`--format csv`: `maps` (one row a mapping), `report` (one row an owner), `top` (one row a group).</summary>
public static class CsvWriters
{
    public static void Maps(IReadOnlyList<RegionRow> regions, TextWriter w)
    {
        w.Write("start,end,perms,offset,device,inode,path,kind,owner,detail,confidence," + CsvTable.FigureHeaders + "\n");
        var t = new CsvTable(w);
        foreach (var r in regions)
        {
            t.Text(r.Start).Text(r.End).Text(r.Perms).Number(r.Offset).Text(r.Device).Number(r.Inode).Text(r.Path).Text(r.Kind)
                .Text(r.Owner).Text(r.Detail).Text(r.Confidence).Figures(r.Numbers).EndRow();
        }
    }

    public static void Report(Report r, TextWriter w)
    {
        w.Write("kind,owner,confidence," + CsvTable.FigureHeaders + "\n");
        var t = new CsvTable(w);
        foreach (var g in r.Groups) t.Text(g.Kind).Text(g.Owner).Text(g.Confidence).Figures(g.Numbers).EndRow();
    }

    public static void Top(TopReport r, TextWriter w)
    {
        w.Write($"{r.By},processes,threads,vsz,reserved_only,rss,pss,uss,swap,largest_owner\n");
        var t = new CsvTable(w);
        foreach (var x in r.Rows)
        {
            t.Text(x.Key).Number((ulong)x.Processes).Number((ulong)x.Threads).Number(x.Vsz).Number(x.ReservedOnly).Number(x.Rss)
                .Number(x.Pss).Number(x.Uss).Number(x.Swap).Text(x.LargestOwner).EndRow();
        }
    }
}
