using System.CommandLine;

namespace Memlens.Cli.Commands;

internal static class CommonOptions
{
    public static Argument<string> Target() => new("target") { Description = "a pid, a process name, or a snapshot (directory or .tar.gz)" };

    public static readonly Option<bool> Json = new("--json") { Description = "machine-readable output (docs/json.md)" };

    /// <summary>Hidden: read another /proc (tests, chroots).</summary>
    public static readonly Option<string> ProcRoot = new("--proc-root") { Description = "the procfs mount to read", DefaultValueFactory = _ => "/proc", Hidden = true };
}
