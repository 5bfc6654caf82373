using System.Text.Json;
using CrisisOps.Cli.Api;

namespace CrisisOps.Cli;

/// <summary>What <c>crisisops login</c> keeps between runs.</summary>
/// <param name="Url">Base address of the server the token belongs to.</param>
/// <param name="TokenId">Server-side id of the token, needed to revoke it on logout.</param>
internal sealed record StoredCredentials(
    string Url,
    string Token,
    string UserName,
    DateTimeOffset? ExpiresAt,
    string? TokenId = null);

/// <summary>
/// Keeps the login in one JSON file readable only by its owner: <c>$CRISISOPS_CONFIG</c> when
/// set, otherwise <c>credentials.json</c> under <c>$XDG_CONFIG_HOME/crisisops</c> or
/// <c>~/.config/crisisops</c>.
/// </summary>
internal sealed class CredentialStore(string path)
{
    public const string ConfigVariable = "CRISISOPS_CONFIG";

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public static CredentialStore ForEnvironment(CliEnvironment environment)
    {
        var configured = environment.GetVariable(ConfigVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new CredentialStore(configured);
        }

        var configHome = environment.GetVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrWhiteSpace(configHome) || !System.IO.Path.IsPathRooted(configHome))
        {
            configHome = System.IO.Path.Combine(environment.HomeDirectory, ".config");
        }

        return new CredentialStore(System.IO.Path.Combine(configHome, "crisisops", "credentials.json"));
    }

    /// <summary>Reads the stored login, or <c>null</c> when there is none.</summary>
    /// <exception cref="CliUsageException">The file exists but cannot be read as credentials.</exception>
    public StoredCredentials? Load()
    {
        string json;
        try
        {
            json = File.ReadAllText(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(Localized.Format(Strings.CredentialsUnreadable, Path, e.Message));
        }

        try
        {
            var credentials = JsonSerializer.Deserialize<StoredCredentials>(json, FileJson);
            if (credentials is null || string.IsNullOrEmpty(credentials.Url) || string.IsNullOrEmpty(credentials.Token))
            {
                throw new CliUsageException(Localized.Format(Strings.CredentialsUnreadable, Path, Strings.CredentialsIncomplete));
            }

            return credentials;
        }
        catch (JsonException e)
        {
            throw new CliUsageException(Localized.Format(Strings.CredentialsUnreadable, Path, e.Message));
        }
    }

    /// <summary>
    /// Replaces the stored login. The file is written next to its final place and moved over it,
    /// so a crash never leaves half a token, and on Unix it is created with mode 600 so the token
    /// is never readable by others, not even for a moment.
    /// </summary>
    public void Save(StoredCredentials credentials)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            }
        }

        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, credentials, FileJson);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to a new file; a stale temporary file keeps its old mode.
            File.SetUnixFileMode(temporary, OwnerOnlyFile);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Removes the stored login; returns whether there was one.</summary>
    public bool Delete()
    {
        if (!File.Exists(Path))
        {
            return false;
        }

        File.Delete(Path);
        return true;
    }
}
