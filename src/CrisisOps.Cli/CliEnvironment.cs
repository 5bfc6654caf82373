namespace CrisisOps.Cli;

/// <summary>
/// Everything the CLI takes from the process it runs in: console streams, environment
/// variables, the HTTP stack and the clock. Tests replace parts of it to run the CLI in-process.
/// </summary>
public sealed record CliEnvironment
{
    /// <summary>Handler for all HTTP requests; <c>null</c> uses a new <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? Handler { get; init; }

    public TextWriter Stdout { get; init; } = Console.Out;

    public TextWriter Stderr { get; init; } = Console.Error;

    public TextReader Stdin { get; init; } = Console.In;

    /// <summary>Whether stdin is an interactive terminal, so a password can be prompted for.</summary>
    public bool StdinIsTerminal { get; init; }

    /// <summary>Whether stdout and stderr are the real console, so colours and terminal width may be detected.</summary>
    public bool IsRealConsole { get; init; }

    /// <summary>Looks up an environment variable; tests pass a dictionary instead of the process environment.</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The user's home directory, used for the default credentials path.</summary>
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Zone in which times are shown to people; JSON output is never converted.</summary>
    public TimeZoneInfo DisplayTimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>The environment of this process, writing to the real console.</summary>
    public static CliEnvironment FromConsole() => new()
    {
        StdinIsTerminal = !Console.IsInputRedirected,
        IsRealConsole = true,
    };
}
