using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli;

/// <summary>Options every command accepts, declared once on the root and inherited by subcommands.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Url { get; } = new("--url") { Description = Strings.OptionUrl, HelpName = "URL", Recursive = true };

    public Option<string> Token { get; } = new("--token") { Description = Strings.OptionToken, HelpName = "TOKEN", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = Strings.OptionJson, Recursive = true };
}

/// <summary>
/// Builds command actions: each runs with a fresh <see cref="CliContext"/>, and every failure
/// becomes a message on stderr and an exit code, never a stack trace.
/// </summary>
internal sealed class CliRuntime(CliEnvironment environment)
{
    public GlobalOptions Globals { get; } = new();

    public CliEnvironment Environment => environment;

    public void SetAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var context = new CliContext(
                environment,
                parseResult.GetValue(Globals.Json),
                parseResult.GetValue(Globals.Url),
                parseResult.GetValue(Globals.Token));
            return await RunGuardedAsync(context, () => run(context, parseResult, cancellationToken), cancellationToken);
        });

    private static async Task<int> RunGuardedAsync(CliContext context, Func<Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (ApiProblem problem)
        {
            WriteProblem(context, problem);
            return ExitCodes.ServerError;
        }
        catch (ServerUnreachableException e)
        {
            context.Error.MarkupLine(
                $"[red]{Markup.Escape(Localized.Format(Strings.CannotReachServer, e.Server.ToString().TrimEnd('/')))}[/]: {Markup.Escape(e.Reason)}");
            return ExitCodes.Unreachable;
        }
        catch (CliUsageException e)
        {
            context.Error.MarkupLine($"[red]{Markup.Escape(Localized.Format(Strings.ErrorPrefix, e.Message))}[/]");
            return ExitCodes.Usage;
        }
        catch (UnexpectedResponseException e)
        {
            context.Error.MarkupLine($"[red]{Markup.Escape(Localized.Format(Strings.ErrorPrefix, e.Message))}[/]");
            return ExitCodes.ServerError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
    }

    private static void WriteProblem(CliContext context, ApiProblem problem)
    {
        if (context.Json && problem.IsJson)
        {
            // Scripts get the problem document itself, on stderr so that stdout stays clean.
            context.Environment.Stderr.WriteLine(problem.RawBody.TrimEnd());
        }
        else
        {
            ProblemRenderer.Write(context.Error, problem);
            if (problem.Status == 401)
            {
                context.Error.MarkupLine($"[grey]{Markup.Escape(Strings.HintLogin)}[/]");
            }
        }
    }
}
