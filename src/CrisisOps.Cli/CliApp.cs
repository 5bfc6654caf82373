using System.CommandLine;
using System.CommandLine.Invocation;
using CrisisOps.Cli.Commands;

namespace CrisisOps.Cli;

/// <summary>The <c>crisisops</c> command line, runnable from <c>Main</c> or in-process from tests.</summary>
public static class CliApp
{
    /// <summary>
    /// Runs one command line against the real console, or against the given HTTP handler and
    /// writers (tests pass a <c>WebApplicationFactory</c> handler and <see cref="StringWriter"/>s).
    /// When anything is injected, the CLI never prompts and writes plain text without colours.
    /// </summary>
    /// <returns>The exit code; see <see cref="ExitCodes"/>.</returns>
    public static Task<int> RunAsync(
        string[] args,
        HttpMessageHandler? handler = null,
        TextWriter? stdout = null,
        TextWriter? stderr = null)
    {
        var environment = CliEnvironment.FromConsole();
        if (handler is not null || stdout is not null || stderr is not null)
        {
            environment = environment with
            {
                Handler = handler,
                Stdout = stdout ?? Console.Out,
                Stderr = stderr ?? Console.Error,
                StdinIsTerminal = false,
                IsRealConsole = stdout is null && stderr is null,
            };
        }

        return RunAsync(args, environment, CancellationToken.None);
    }

    /// <summary>Runs one command line in the given environment until it finishes or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <returns>The exit code; see <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        try
        {
            var parseResult = BuildRootCommand(environment).Parse(args);
            var invocation = new InvocationConfiguration
            {
                Output = environment.Stdout,
                Error = environment.Stderr,
                EnableDefaultExceptionHandler = false,

                // Ctrl+C is wired up in Program, so that in-process runs never touch signal handlers.
                ProcessTerminationTimeout = null,
            };

            if (parseResult.Action is ParseErrorAction parseError)
            {
                parseError.ShowHelp = false;
                parseError.ShowTypoCorrections = true;
                await parseResult.InvokeAsync(invocation, cancellationToken);
                await environment.Stderr.WriteLineAsync(Strings.HintHelp);
                return ExitCodes.Usage;
            }

            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not a user error: still one line, unless the user asked for details.
            var debug = !string.IsNullOrEmpty(environment.GetVariable("CRISISOPS_DEBUG"));
            await environment.Stderr.WriteLineAsync(
                Localized.Format(Strings.UnexpectedError, debug ? e.ToString() : $"{e.GetType().Name}: {e.Message}"));
            return ExitCodes.ServerError;
        }
    }

    internal static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        var runtime = new CliRuntime(environment);
        var root = new RootCommand(Strings.RootDescription)
        {
            runtime.Globals.Url,
            runtime.Globals.Token,
            runtime.Globals.Json,
        };
        foreach (var command in LoginCommands.Create(runtime))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(RegionsCommands.Create(runtime));
        root.Subcommands.Add(IncidentCommands.Create(runtime));
        root.Subcommands.Add(DeadlineCommands.Create(runtime));
        root.Subcommands.Add(JournalCommands.Create(runtime));
        root.Subcommands.Add(WarningCommands.Create(runtime));
        root.Subcommands.Add(PlanCommands.Create(runtime));
        root.Subcommands.Add(RiskCommands.Create(runtime));
        root.Subcommands.Add(RecordsCommands.Create(runtime));
        root.Subcommands.Add(ResidentsCommands.Create(runtime));
        root.Subcommands.Add(StockCommands.Create(runtime));
        root.Subcommands.Add(NeedsCommands.Create(runtime));
        root.Subcommands.Add(OrderCommands.Create(runtime));
        root.Subcommands.Add(DispatchCommands.Create(runtime));
        root.Subcommands.Add(AlertsCommands.Create(runtime));
        root.Subcommands.Add(InformationCommands.CreateReleases(runtime));
        root.Subcommands.Add(InformationCommands.CreateHotline(runtime));
        root.Subcommands.Add(LedgerCommands.Create(runtime));
        root.Subcommands.Add(OpinionCommands.Create(runtime));
        return root;
    }
}
