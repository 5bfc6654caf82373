namespace CrisisOps.Cli;

/// <summary>Process exit codes; scripts rely on them, so they never change meaning.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server answered with an error (4xx or 5xx) or with a body the CLI cannot read.</summary>
    public const int ServerError = 1;

    /// <summary>The command line is wrong, or a file, URL or login it needs is missing.</summary>
    public const int Usage = 2;

    /// <summary>No response from the server: refused, unresolvable, reset or timed out.</summary>
    public const int Unreachable = 3;

    /// <summary>The server read the input and refused it (e.g. a CAP file that is not a valid CAP 1.2 alert).</summary>
    public const int Rejected = 4;

    /// <summary>A check the CLI made itself failed: the ledger does not verify (<c>ledger verify</c>, <c>ledger prove</c>).</summary>
    public const int VerificationFailed = 5;

    /// <summary>
    /// Not yet: the entry is accepted but waits for the next integration (<c>ledger prove entry:ID</c>) — a script retries
    /// after the stated delay rather than mistaking "not in the tree yet" for a proof.
    /// </summary>
    public const int Pending = 6;

    /// <summary>Stopped by Ctrl+C before finishing (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
