namespace CrisisOps.Testing;

/// <summary>
/// Public test data written by others, kept beside the repository in <c>../shared/data</c> (see its
/// SOURCES.md). Tests that need it skip on a laptop without it and fail under <c>CI=true</c>.
/// </summary>
public static class SharedData
{
    /// <summary>The path of a file under <c>../shared/data</c>; skips or fails the test when it is missing.</summary>
    public static string Require(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([RepositoryFiles.Root, "..", "shared", "data", .. parts]));
        TestEnvironment.RequireServer("Shared test data", File.Exists(path) || Directory.Exists(path) ? null : $"{path} does not exist",
            "Place the shared data folder beside the repository as ../shared/data.");
        return path;
    }
}
