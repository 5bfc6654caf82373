namespace CrisisOps.Testing;

/// <summary>Files of the repository itself (sample data under <c>tests/samples</c>), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding <c>CrisisOps.slnx</c>.</summary>
    /// <exception cref="InvalidOperationException">The tests run outside a checkout.</exception>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds CrisisOps.slnx.");
    }
}
