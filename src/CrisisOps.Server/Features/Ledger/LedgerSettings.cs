using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Platform;
using Microsoft.Data.Sqlite;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>
/// The <c>Ledger</c> configuration section (docs/ledger.md): the log's <c>Origin</c> (first line of every checkpoint),
/// the signing key (<c>SigningKey</c> as text, or <c>SigningKeyFile</c>, by default <c>ledger-signing.key</c> in the data
/// directory, created with a new key on first start), <c>IntegrationInterval</c> (the longest an accepted entry waits
/// for a checkpoint, 1 s), <c>MaxBatch</c> (entries per checkpoint, 100,000) and <c>IntegrateInBackground</c>.
/// </summary>
public sealed partial class LedgerSettings : IDisposable
{
    public const string DefaultOrigin = "crisisops.local/ledger";
    public const string KeyFileName = "ledger-signing.key";

    public LedgerSettings(IConfiguration configuration, ILogger<LedgerSettings> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Origin = configuration["Ledger:Origin"] is { Length: > 0 } origin ? origin : DefaultOrigin;
        if (Origin.Any(c => char.IsControl(c)) || Origin.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Ledger:Origin \"{Origin}\" must be one line of text.");
        }

        IntegrationInterval = configuration.GetValue("Ledger:IntegrationInterval", TimeSpan.FromSeconds(1));
        if (IntegrationInterval < TimeSpan.FromMilliseconds(10) || IntegrationInterval > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException("Ledger:IntegrationInterval must lie between 00:00:00.010 and 01:00:00.");
        }

        MaxBatch = configuration.GetValue("Ledger:MaxBatch", 100_000);
        if (MaxBatch is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException("Ledger:MaxBatch must lie between 1 and 1,000,000.");
        }

        IntegrateInBackground = configuration.GetValue("Ledger:IntegrateInBackground", true);
        (Key, KeySource) = LoadKey(configuration, Origin, logger);
        VerifierKey = Key.VerifierKey;
    }

    public string Origin { get; }

    /// <summary>The stated maximum delay: an accepted entry is in a signed checkpoint this long after acceptance (docs/ledger.md).</summary>
    public TimeSpan IntegrationInterval { get; }

    /// <summary>How often the worker looks for pending entries: a tenth of the interval.</summary>
    public TimeSpan PollPeriod => IntegrationInterval / 10;

    public int MaxBatch { get; }

    public bool IntegrateInBackground { get; }

    public LedgerSigningKey Key { get; }

    public LedgerVerifierKey VerifierKey { get; }

    /// <summary>Where the key came from, for the log (never the key itself).</summary>
    public string KeySource { get; }

    public void Dispose() => Key.Dispose();

    /// <summary>The folder the server keeps its files in: the SQLite database's folder, or <c>./data</c> on PostgreSQL.</summary>
    public static string DataDirectory(IConfiguration configuration)
    {
        var (provider, connectionString) = Storage.Resolve(configuration);
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:")
            {
                return Path.GetDirectoryName(Path.GetFullPath(file)) ?? Path.GetFullPath("data");
            }
        }

        return Path.GetFullPath("data");
    }

    private static (LedgerSigningKey Key, string Source) LoadKey(IConfiguration configuration, string origin, ILogger logger)
    {
        if (configuration["Ledger:SigningKey"] is { Length: > 0 } text)
        {
            return (Parse(text, "Ledger:SigningKey"), "Ledger:SigningKey");
        }

        var path = configuration["Ledger:SigningKeyFile"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(DataDirectory(configuration), KeyFileName);
        if (File.Exists(path))
        {
            return (Parse(File.ReadAllText(path), path), path);
        }

        // First start: a new key, written owner-only under a temporary name and moved into place without replacing
        // anything, so two servers starting at once on one folder end up with the same key (the loser reads the winner's).
        var key = LedgerSigningKey.Generate(origin.Replace(' ', '_').Replace('+', '_'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportText() + "\n");
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            key.Dispose();
            return (Parse(File.ReadAllText(path), path), path);
        }

        LogKeyCreated(logger, path, key.VerifierKey.ToString());
        return (key, path);
    }

    private static LedgerSigningKey Parse(string text, string where)
    {
        try
        {
            return LedgerSigningKey.ParseText(text);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(
                $"The ledger signing key in {where} cannot be read: {e.Message} Restore the key file from the backup (docs/ledger.md#the-key); " +
                "a new key would make every published checkpoint unverifiable.", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger: created a new signing key in {Path} (owner-only). Back it up; publish the verifier key {VerifierKey}")]
    private static partial void LogKeyCreated(ILogger logger, string path, string verifierKey);
}
