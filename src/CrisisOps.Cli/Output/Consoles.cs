using Spectre.Console;

namespace CrisisOps.Cli.Output;

internal static class Consoles
{
    /// <summary>Width used when writing to something that is not a terminal, so that tables and messages do not wrap in logs, pipes and tests.</summary>
    private const int DetachedWidth = 200;

    /// <summary>
    /// A Spectre console over <paramref name="writer"/>. On the real console colours, Unicode and
    /// width are detected (and <c>NO_COLOR</c> honoured); on any other writer output is plain text.
    /// </summary>
    public static IAnsiConsole Create(TextWriter writer, bool isRealConsole)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isRealConsole ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isRealConsole ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isRealConsole ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isRealConsole || !console.Profile.Out.IsTerminal)
        {
            console.Profile.Width = DetachedWidth;
        }

        return console;
    }
}
