namespace CrisisOps.Testing;

/// <summary>
/// What the environment offers tests. A test that needs a server which is missing is skipped on a
/// laptop, with a message saying how to run it, and fails under <c>CI=true</c>: never a silent pass.
/// </summary>
public static class TestEnvironment
{
    public const string PostgresVariable = "CRISISOPS_TEST_POSTGRES";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>An admin connection string (the tests create and drop their own databases), or null.</summary>
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips (laptop) or fails (CI) when a required server is missing.</summary>
    public static void RequireServer(string what, string? unavailableReason, string howToRun)
    {
        if (unavailableReason is null)
        {
            return;
        }

        if (IsCi)
        {
            throw new InvalidOperationException($"{what} is required under CI=true but is not available: {unavailableReason}");
        }

        Xunit.Assert.Skip($"{what} not available ({unavailableReason}). {howToRun}");
    }
}
