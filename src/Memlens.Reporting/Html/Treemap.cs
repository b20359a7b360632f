namespace Memlens.Reporting.Html;

/// <summary>
/// Squarified treemap layout (Bruls, Huizing, van Wijk 2000): rectangles whose areas are proportional to the values,
/// kept as close to square as the order allows. Values are laid out largest first.
/// </summary>
public static class Treemap
{
    public readonly record struct Cell(int Index, double X, double Y, double Width, double Height);

    public static List<Cell> Layout(IReadOnlyList<double> values, double width, double height)
    {
        var order = Enumerable.Range(0, values.Count).Where(i => values[i] > 0).OrderByDescending(i => values[i]).ToList();
        var cells = new List<Cell>(order.Count);
        double total = order.Sum(i => values[i]);
        if (total <= 0 || width <= 0 || height <= 0) return cells;
        double scale = width * height / total;
        double x = 0, y = 0, w = width, h = height;
        int next = 0;
        while (next < order.Count)
        {
            double side = Math.Min(w, h);
            var row = new List<int> { order[next++] };
            double rowArea = values[row[0]] * scale;
            while (next < order.Count)
            {
                double area = values[order[next]] * scale;
                if (Worst(row, rowArea, side, values, scale) < Worst([.. row, order[next]], rowArea + area, side, values, scale)) break;
                row.Add(order[next++]);
                rowArea += area;
            }
            double thickness = rowArea / side;
            double offset = 0;
            foreach (int i in row)
            {
                double length = values[i] * scale / thickness;
                cells.Add(w >= h ? new Cell(i, x, y + offset, thickness, length) : new Cell(i, x + offset, y, length, thickness));
                offset += length;
            }
            if (w >= h) { x += thickness; w -= thickness; }
            else { y += thickness; h -= thickness; }
        }
        return cells;
    }

    /// <summary>The worst aspect ratio of a row of the given total area laid along a side.</summary>
    private static double Worst(List<int> row, double rowArea, double side, IReadOnlyList<double> values, double scale)
    {
        double max = row.Max(i => values[i]) * scale, min = row.Min(i => values[i]) * scale;
        double s2 = side * side, a2 = rowArea * rowArea;
        return Math.Max(s2 * max / a2, a2 / (s2 * min));
    }
}
