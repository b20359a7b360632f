using System.CommandLine;
using System.Text;

namespace Memlens.Cli.Commands;

/// <summary>
/// `memlens completion bash|zsh|fish` and `memlens man`: made from the command tree itself, so they list exactly the
/// commands and options this build has. Completion offers pids and process names where a command takes a target.
/// </summary>
internal static class ShellCommands
{
    private static readonly Argument<string> Shell = new("shell") { Description = "bash, zsh or fish" };

    public static Command Completion(CliConsole console, Func<RootCommand> root)
    {
        Shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "print a shell completion script: eval \"$(memlens completion bash)\", or save it where your shell loads completions") { Shell };
        command.SetAction(parse =>
        {
            var commands = Visible(root());
            console.Out.Write(parse.GetValue(Shell) switch
            {
                "fish" => Fish(commands),
                "zsh" => "#compdef memlens\nautoload -U +X bashcompinit && bashcompinit\n" + Bash(commands),
                _ => Bash(commands),
            });
            return 0;
        });
        return command;
    }

    public static Command Man(CliConsole console, Func<RootCommand> root)
    {
        var command = new Command("man", "print the manual page (roff): memlens man > memlens.1; man ./memlens.1");
        command.SetAction(_ =>
        {
            console.Out.Write(Roff(root()));
            return 0;
        });
        return command;
    }

    private static List<Command> Visible(RootCommand root) => root.Subcommands.Where(c => !c.Hidden).ToList();

    private static IEnumerable<string> OptionNames(Command c) =>
        c.Options.Where(o => !o.Hidden).SelectMany(Names).Distinct().Order(StringComparer.Ordinal);

    /// <summary>An option's name and its aliases ("--output", "-o").</summary>
    private static IEnumerable<string> Names(Option o) => o.Aliases.Prepend(o.Name).Distinct();

    private static string Bash(List<Command> commands)
    {
        var s = new StringBuilder();
        s.Append("# memlens completion for bash: eval \"$(memlens completion bash)\"\n");
        s.Append("_memlens() {\n  local cur=\"${COMP_WORDS[COMP_CWORD]}\" opts=\"\"\n");
        s.Append($"  if [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W \"{string.Join(' ', commands.Select(c => c.Name))} --help --version\" -- \"$cur\")); return; fi\n");
        s.Append("  case \"${COMP_WORDS[1]}\" in\n");
        foreach (var c in commands) s.Append($"    {c.Name}) opts=\"{string.Join(' ', OptionNames(c))} --help\";;\n");
        s.Append("  esac\n");
        s.Append("  if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n");
        s.Append("  # A target: a pid, a process name, or a file (a snapshot, a core, a log).\n");
        s.Append("  local pids names\n  pids=$(cd /proc && ls -d [0-9]* 2>/dev/null)\n  names=$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)\n");
        s.Append("  COMPREPLY=($(compgen -W \"$pids $names\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n}\n");
        s.Append("complete -o filenames -F _memlens memlens\n");
        return s.ToString();
    }

    private static string Fish(List<Command> commands)
    {
        var s = new StringBuilder();
        s.Append("# memlens completion for fish: memlens completion fish > ~/.config/fish/completions/memlens.fish\n");
        s.Append("complete -c memlens -f\n");
        foreach (var c in commands)
        {
            s.Append($"complete -c memlens -n __fish_use_subcommand -a {c.Name} -d {FishQuote(c.Description)}\n");
            foreach (var o in c.Options.Where(o => !o.Hidden))
                foreach (var name in Names(o))
                    s.Append($"complete -c memlens -n '__fish_seen_subcommand_from {c.Name}' {(name.StartsWith("--", StringComparison.Ordinal) ? "-l " + name[2..] : "-s " + name[1..])} -d {FishQuote(o.Description)}\n");
        }
        s.Append("complete -c memlens -n 'not __fish_use_subcommand' -a '(__fish_complete_pids) (cat /proc/[0-9]*/comm 2>/dev/null | sort -u)' -F\n");
        return s.ToString();
    }

    private static string FishQuote(string? text) => "'" + (text ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string Roff(RootCommand root)
    {
        var s = new StringBuilder();
        s.Append(".TH MEMLENS 1 \"\" \"memlens\" \"User Commands\"\n");
        s.Append(".SH NAME\nmemlens \\- ").Append(Escape(root.Description?.Replace("memlens: ", "", StringComparison.Ordinal))).Append('\n');
        s.Append(".SH SYNOPSIS\n.B memlens\n.I command\n[\\fIoptions\\fR] [\\fItarget\\fR]\n");
        s.Append(".SH DESCRIPTION\nmemlens explains where a Linux process's memory goes: every mapping gets an owner with the evidence for it, ");
        s.Append("every view (status, statm, smaps, the cgroup, the runtime's own figures) is reconciled, and the residual is shown with its reason. ");
        s.Append("It only reads its targets. A target is a pid, a process name, a snapshot (directory or .tar.gz), a core dump, or pasted /proc text.\n");
        s.Append(".SH COMMANDS\n");
        foreach (var c in Visible(root))
        {
            s.Append(".TP\n.B ").Append(c.Name).Append('\n').Append(Escape(c.Description)).Append('\n');
            foreach (var o in c.Options.Where(o => !o.Hidden))
                s.Append(".RS\n.TP\n.B ").Append(Escape(string.Join(", ", Names(o)))).Append('\n').Append(Escape(o.Description)).Append("\n.RE\n");
        }
        s.Append(".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nwhen set and not empty, no colour (unless \\-\\-color always).\n");
        s.Append(".TP\n.B COLUMNS\nthe width text is fitted to on a terminal.\n");
        s.Append(".SH EXIT STATUS\n");
        foreach (var code in Enum.GetValues<Core.ExitCode>())
            s.Append(".TP\n.B ").Append((int)code).Append('\n').Append(ExitWords(code)).Append('\n');
        s.Append(".SH SEE ALSO\n.BR pmap (1),\n.BR smem (8),\n.BR proc (5)\n");
        return s.ToString();
    }

    private static string ExitWords(Core.ExitCode code) => code switch
    {
        Core.ExitCode.Ok => "success",
        Core.ExitCode.Failure => "an unexpected failure",
        Core.ExitCode.Usage => "a usage error: an unknown command or option, or a bad value",
        Core.ExitCode.NoSuchProcess => "no such process",
        Core.ExitCode.PermissionDenied => "permission denied",
        Core.ExitCode.AmbiguousName => "a process name matches several processes",
        Core.ExitCode.BadInput => "input that is not what it should be (a file that is not a snapshot, a truncated archive, a limit exceeded)",
        Core.ExitCode.ProcessExited => "the process exited while it was read",
        Core.ExitCode.OutputFailed => "the output could not be written",
        _ => code.ToString(),
    };

    /// <summary>roff escapes: a backslash, and a leading dot or quote that would start a request.</summary>
    private static string Escape(string? text)
    {
        string t = (text ?? "").Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return t.StartsWith('.') || t.StartsWith('\'') ? "\\&" + t : t;
    }
}
