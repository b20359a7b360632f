using Memlens.Reporting.Terminal;

namespace Memlens.Cli;

/// <summary>The terminal layout from what the user and the environment say (https://no-color.org for NO_COLOR).</summary>
public static class LayoutChoice
{
    /// <param name="terminalWidth">the width of the terminal standard output is; null for a file, a pipe or -o.</param>
    /// <param name="color">--color: auto, always or never.</param>
    public static TerminalLayout Resolve(int? terminalWidth, bool wide, string color, string? noColor, string? term)
    {
        bool painted = color switch
        {
            "always" => true,
            "never" => false,
            _ => terminalWidth is not null && string.IsNullOrEmpty(noColor) && term != "dumb",
        };
        return new TerminalLayout(terminalWidth, wide, painted);
    }
}
