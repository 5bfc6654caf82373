using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c> and <c>whoami</c>.</summary>
internal static class LoginCommands
{
    public static IEnumerable<Command> Create(CliRuntime runtime) => [Login(runtime), Logout(runtime), WhoAmI(runtime)];

    private static Command Login(CliRuntime runtime)
    {
        var user = new Option<string>("--user") { Description = Strings.OptionUser, HelpName = "NAME", Required = true };
        var password = new Option<string>("--password") { Description = Strings.OptionPassword, HelpName = "P" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = Strings.OptionPasswordStdin };
        var tokenName = new Option<string>("--token-name") { Description = Strings.OptionTokenName, HelpName = "N" };
        var command = new Command("login", Strings.CommandLogin) { user, password, passwordStdin, tokenName };
        command.Validators.Add(result =>
        {
            if (result.GetResult(password) is not null && result.GetValue(passwordStdin))
            {
                result.AddError(Strings.PasswordOptionsExclusive);
            }
        });

        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var server = context.ResolveServer();
            var userName = parseResult.GetRequiredValue(user);
            var secret = await ReadPasswordAsync(
                context, userName, parseResult.GetValue(password), parseResult.GetValue(passwordStdin), cancellationToken);
            var name = parseResult.GetValue(tokenName) is { Length: > 0 } given ? given : $"crisisops-cli@{Environment.MachineName}";

            var response = await context.Connect(server, token: null).PostJsonAsync(
                "api/v1/auth/tokens",
                new CreateTokenRequest(userName, secret, name, ExpiresInDays: null),
                cancellationToken);
            var created = response.Read<TokenResponse>();
            if (string.IsNullOrEmpty(created.Token))
            {
                throw new UnexpectedResponseException(Strings.TokenMissing);
            }

            context.Credentials.Save(new StoredCredentials(server.ToString(), created.Token, userName, created.ExpiresAt, created.Id));
            if (context.Json)
            {
                context.WriteJson(response.Body);
            }
            else
            {
                context.Out.MarkupLine(Markup.Escape(Localized.Format(
                    Strings.LoggedIn, server, userName, created.Name ?? name, context.Moment(created.ExpiresAt), context.Credentials.Path)));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string> ReadPasswordAsync(
        CliContext context,
        string userName,
        string? password,
        bool fromStdin,
        CancellationToken cancellationToken)
    {
        if (password is not null)
        {
            context.Warn(Strings.PasswordOnCommandLine);
            return password;
        }

        if (fromStdin)
        {
            var text = (await context.Environment.Stdin.ReadToEndAsync(cancellationToken)).TrimEnd('\r', '\n');
            return text.Length > 0 ? text : throw new CliUsageException(Strings.PasswordStdinEmpty);
        }

        if (!context.Environment.StdinIsTerminal)
        {
            throw new CliUsageException(Strings.PasswordRequired);
        }

        try
        {
            var prompt = new TextPrompt<string>(Markup.Escape(Localized.Format(Strings.PasswordPrompt, userName))).Secret(null);
            return await prompt.ShowAsync(context.Error, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Spectre refuses to prompt when the terminal is not interactive after all (stderr redirected).
            throw new CliUsageException(Strings.PasswordRequired);
        }
    }

    private static Command Logout(CliRuntime runtime)
    {
        var command = new Command("logout", Strings.CommandLogout);
        runtime.SetAction(command, async (context, _, cancellationToken) =>
        {
            if (context.StoredCredentials is not { } stored)
            {
                context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.NotLoggedIn, context.Credentials.Path)));
                return ExitCodes.Success;
            }

            var server = ApiClient.ParseServerUrl(stored.Url);
            if (string.IsNullOrEmpty(stored.TokenId))
            {
                context.Warn(Localized.Format(Strings.TokenNotRevocable, context.Moment(stored.ExpiresAt)));
            }
            else
            {
                try
                {
                    await context.Connect(server, stored.Token)
                        .DeleteAsync($"api/v1/auth/tokens/{Uri.EscapeDataString(stored.TokenId)}", cancellationToken);
                }
                catch (ApiProblem problem) when (problem.Status is 401 or 404)
                {
                    // The token is already expired or revoked: nothing left to revoke.
                }
                catch (Exception e) when (e is ApiProblem or ServerUnreachableException)
                {
                    // Forget the token locally anyway, and say plainly that it still works on the server.
                    context.Credentials.Delete();
                    context.Warn(Localized.Format(Strings.TokenNotRevoked, context.Moment(stored.ExpiresAt)));
                    throw;
                }
            }

            context.Credentials.Delete();
            if (!context.Json)
            {
                context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.LoggedOut, server)));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command WhoAmI(CliRuntime runtime)
    {
        var command = new Command("whoami", Strings.CommandWhoAmI);
        runtime.SetAction(command, async (context, _, cancellationToken) =>
        {
            var client = context.Connect();
            var response = await client.GetAsync("api/v1/me", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var me = response.Read<Me>();
            context.Out.MarkupLine(
                $"[bold]{Cells.Plain(me.UserName)}[/] {(string.IsNullOrEmpty(me.DisplayName) ? "" : Markup.Escape(me.DisplayName))} [grey]@ {Markup.Escape(client.Server.ToString())}[/]");
            var table = new Table().AddColumn(Strings.ColumnRole).AddColumn(Strings.ColumnRegion).AddColumn(Strings.ColumnDepartment);
            foreach (var role in me.Roles ?? [])
            {
                table.AddRow(Cells.Plain(role.Role), Cells.Plain(role.RegionCode), Cells.Plain(role.Department));
            }

            context.Out.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
