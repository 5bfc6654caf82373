namespace CrisisOps.Cli.Api;

/// <summary>The command line or the local configuration does not allow the command to run (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>No HTTP response came back from the server (exit code 3).</summary>
internal sealed class ServerUnreachableException(Uri server, string reason, Exception? inner = null)
    : Exception(reason, inner)
{
    public Uri Server { get; } = server;

    public string Reason { get; } = reason;
}

/// <summary>The server answered with success but a body the CLI cannot read (exit code 1).</summary>
internal sealed class UnexpectedResponseException(string message, Exception? inner = null) : Exception(message, inner);
