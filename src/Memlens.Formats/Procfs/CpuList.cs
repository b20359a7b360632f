using System.Globalization;

namespace Memlens.Formats.Procfs;

/// <summary>A kernel CPU list ("0-3,5,7-8", as in /sys/devices/system/cpu/online or Cpus_allowed_list).</summary>
public static class CpuList
{
    public const int MaxCpus = 1 << 16;

    /// <summary>How many CPUs the list names; null when it is not a CPU list.</summary>
    public static int? Count(string text)
    {
        int count = 0;
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2 || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)) return null;
            int last = first;
            if (range.Length == 2 && !int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
            if (last < first || last >= MaxCpus) return null;
            count += last - first + 1;
        }
        return count == 0 ? null : count;
    }
}
