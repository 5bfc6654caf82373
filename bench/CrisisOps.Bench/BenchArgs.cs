namespace CrisisOps.Bench;

/// <summary>What every driver reads the same way: an option's value from its arguments, and where the repository is.</summary>
internal static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/> (<c>--posts 20000</c>), or null when the option is not given.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The folder holding CrisisOps.slnx above the running bench (the current folder if none), for ../shared and test data.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisOps.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
