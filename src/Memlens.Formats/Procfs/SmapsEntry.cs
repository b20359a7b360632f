namespace Memlens.Formats.Procfs;

/// <summary>One VMA of /proc/PID/smaps: its maps header and its counters.</summary>
public sealed record SmapsEntry(MapsEntry Map, SmapsCounters Counters);
