using System.Runtime.Versioning;
using CrisisOps.Cli.Api;

namespace CrisisOps.Cli.Tests;

public sealed class CredentialStoreTests : IDisposable
{
    private static readonly StoredCredentials Sample = new(
        "https://ops.example.org/", "secret-token", "alice", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), "17");

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Save_WhenDirectoryDoesNotExist_CreatesItAndLoadReturnsTheSameCredentials()
    {
        var store = new CredentialStore(Path.Combine(directory.Path, "a", "b", "credentials.json"));

        store.Save(Sample);

        Assert.Equal(Sample, store.Load());
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_OnUnix_CreatesFileReadableOnlyByOwner()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes do not exist on Windows.");
        var path = Path.Combine(directory.Path, "crisisops", "credentials.json");

        new CredentialStore(path).Save(Sample);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_OnUnixWhenFileExistsWithWiderMode_LeavesMode600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes do not exist on Windows.");
        var path = Path.Combine(directory.Path, "credentials.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        File.WriteAllText(path + ".tmp", "stale");
        File.SetUnixFileMode(path + ".tmp", (UnixFileMode)0b110_110_110);

        new CredentialStore(path).Save(Sample);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Save_WhenFileExists_ReplacesIt()
    {
        var store = new CredentialStore(Path.Combine(directory.Path, "credentials.json"));
        store.Save(Sample);

        store.Save(Sample with { Token = "new-token" });

        Assert.Equal("new-token", store.Load()!.Token);
    }

    [Fact]
    public void Load_WhenFileDoesNotExist_ReturnsNull()
    {
        var store = new CredentialStore(Path.Combine(directory.Path, "missing", "credentials.json"));

        Assert.Null(store.Load());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"userName\":\"alice\"}")]
    public void Load_WhenFileIsNotValidCredentials_ThrowsUsageErrorNamingTheFile(string content)
    {
        var path = Path.Combine(directory.Path, "credentials.json");
        File.WriteAllText(path, content);

        var error = Assert.Throws<CliUsageException>(() => new CredentialStore(path).Load());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_WhenFileExists_RemovesItAndReturnsTrue()
    {
        var store = new CredentialStore(Path.Combine(directory.Path, "credentials.json"));
        store.Save(Sample);

        Assert.True(store.Delete());
        Assert.False(File.Exists(store.Path));
        Assert.False(store.Delete());
    }

    [Fact]
    public void ForEnvironment_WhenConfigVariableIsSet_UsesThatPath()
    {
        var path = Path.Combine(directory.Path, "custom.json");
        var environment = new CliEnvironment { GetVariable = name => name == "CRISISOPS_CONFIG" ? path : null, HomeDirectory = directory.Path };

        Assert.Equal(path, CredentialStore.ForEnvironment(environment).Path);
    }

    [Fact]
    public void ForEnvironment_WhenNothingIsSet_UsesDotConfigUnderHome()
    {
        var environment = new CliEnvironment { GetVariable = _ => null, HomeDirectory = directory.Path };

        Assert.Equal(
            Path.Combine(directory.Path, ".config", "crisisops", "credentials.json"),
            CredentialStore.ForEnvironment(environment).Path);
    }

    [Fact]
    public void ForEnvironment_WhenXdgConfigHomeIsSet_UsesIt()
    {
        var configHome = Path.Combine(directory.Path, "xdg");
        var environment = new CliEnvironment { GetVariable = name => name == "XDG_CONFIG_HOME" ? configHome : null, HomeDirectory = directory.Path };

        Assert.Equal(Path.Combine(configHome, "crisisops", "credentials.json"), CredentialStore.ForEnvironment(environment).Path);
    }
}
