using System.CommandLine;
using System.Globalization;

namespace Memlens.Cli;

/// <summary>
/// What System.CommandLine reports poorly, checked before it parses: an unknown command or option is named, with the
/// nearest known one when it is a near miss ("did you mean").
/// </summary>
internal static class CommandLineCheck
{
    /// <summary>The one-line error for the first unknown command or option, or null when every name is known.</summary>
    public static string? UnknownName(RootCommand root, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        var command = root.Subcommands.FirstOrDefault(c => c.Name == args[0] || c.Aliases.Contains(args[0]));
        if (command is null)
            return $"unknown command '{args[0]}'{Suggest(args[0], root.Subcommands.Select(c => c.Name))}";
        var names = command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        names.UnionWith(["-h", "--help", "-?"]);
        string previous = "";
        foreach (var arg in args.Skip(1))
        {
            string before = previous;
            previous = arg;
            if (arg.Length < 2 || arg[0] != '-' || arg == "--") continue;
            if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;   // a negative value
            // "--interval -1s": a negative duration after an option that takes one, not an option of its own.
            if (char.IsAsciiDigit(arg[1]) && names.Contains(before))
                return $"{before} {arg}: give a positive value";
            string name = arg.Split('=', 2)[0];
            if (!names.Contains(name))
                return $"unknown option '{name}' for {command.Name}{Suggest(name, names.Where(n => n.StartsWith("--", StringComparison.Ordinal)))}";
        }
        return null;
    }

    private static string Suggest(string typed, IEnumerable<string> known)
    {
        var near = known.Select(k => (Name: k, Distance: Distance(typed, k))).Where(k => k.Distance <= Math.Max(2, typed.Length / 4)).ToList();
        return near.Count == 0 ? "" : $"; did you mean '{near.MinBy(k => k.Distance).Name}'?";
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
