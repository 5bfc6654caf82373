using CrisisOps.Domain.Ledger;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>
/// The secret behind donor and payee pseudonyms: <c>Ledger:PseudonymKey</c> (base64 of at least 32 bytes) when set —
/// what replicas sharing one database must use, so they all compute the same pseudonyms — else the file
/// <c>Ledger:PseudonymKeyFile</c>, by default <c>ledger-pseudonym.key</c> next to the signing key in the data folder
/// (the SQLite database's folder, or <c>data/</c>), created 0600 with a new key on first start. A malformed key stops
/// the start: a silently new key would give every repeat donor a new pseudonym.
/// </summary>
public sealed partial class PseudonymKeyProvider
{
    public const string FileName = "ledger-pseudonym.key";

    private readonly Lazy<PseudonymKey> _key;

    public PseudonymKeyProvider(IConfiguration configuration, ILogger<PseudonymKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _key = new Lazy<PseudonymKey>(() => Load(configuration, logger), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public PseudonymKey Key => _key.Value;

    /// <summary>Where the key file lives when configuration names none: beside the signing key.</summary>
    public static string DefaultFile(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["Ledger:SigningKeyFile"] is { Length: > 0 } signing
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(signing)) ?? ".", FileName)
            : Path.Combine(LedgerSettings.DataDirectory(configuration), FileName);
    }

    private static PseudonymKey Load(IConfiguration configuration, ILogger logger)
    {
        if (configuration["Ledger:PseudonymKey"] is { Length: > 0 } text)
        {
            try
            {
                return PseudonymKey.Parse(text);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"Ledger:PseudonymKey is unusable: {e.Message}", e);
            }
        }

        var path = configuration["Ledger:PseudonymKeyFile"] is { Length: > 0 } named ? Path.GetFullPath(named) : DefaultFile(configuration);
        if (!File.Exists(path))
        {
            Create(path, logger);
        }

        try
        {
            return PseudonymKey.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The pseudonym key file {path} is unusable: {e.Message} Restore it from the backup.", e);
        }
    }

    /// <summary>Writes a new key to a temporary file and moves it into place, so two processes starting at once agree on one.</summary>
    private static void Create(string path, ILogger logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";

        // Owner-only from the first byte: whoever reads the key can test guessed names against pseudonyms.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temporary, options)))
        {
            writer.Write(PseudonymKey.Generate().Export() + "\n");
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            LogCreated(logger, path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            File.Delete(temporary);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Created a new pseudonym key in {Path}: back it up with the signing key (without it repeat donors get new pseudonyms)")]
    private static partial void LogCreated(ILogger logger, string path);
}
