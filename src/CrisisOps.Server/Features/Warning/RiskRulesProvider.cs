using CrisisOps.Domain.Warning;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// The risk rules in force: loaded from <c>Risk:RulesFile</c> (default: the shipped
/// <c>Warning/risk-rules.json</c>), validated, and reloaded when the file changes. A file that
/// fails validation is refused with the line named in the log, and the rules in force stay.
/// </summary>
public sealed partial class RiskRulesProvider : IDisposable
{
    private readonly ILogger<RiskRulesProvider> _logger;
    private readonly string _path;
    private readonly PhysicalFileProvider? _files;
    private IDisposable? _watch;

    public RiskRulesProvider(IConfiguration configuration, ILogger<RiskRulesProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _logger = logger;
        _path = Path.GetFullPath(configuration["Risk:RulesFile"] ?? Path.Combine(AppContext.BaseDirectory, "Warning", "risk-rules.json"));

        // At start a bad file is fatal: better not to run than to run without rules.
        Current = RiskRuleSet.Parse(File.ReadAllText(_path));
        var folder = Path.GetDirectoryName(_path);
        if (folder is not null && Directory.Exists(folder))
        {
            _files = new PhysicalFileProvider(folder);
            Watch();
        }
    }

    public RiskRuleSet Current { get; private set; }

    /// <summary>Loads the file again; false (and the old rules kept) when it is invalid.</summary>
    public bool Reload()
    {
        try
        {
            var rules = RiskRuleSet.Parse(File.ReadAllText(_path));
            Current = rules;
            LogLoaded(_logger, rules.Version, _path);
            return true;
        }
        catch (Exception ex) when (ex is RiskRuleException or IOException)
        {
            LogRefused(_logger, _path, ex.Message);
            return false;
        }
    }

    private void Watch()
    {
        _watch = ChangeToken.OnChange(() => _files!.Watch(Path.GetFileName(_path)), () => Reload());
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Risk rules version {Version} loaded from {Path}")]
    private static partial void LogLoaded(ILogger logger, int version, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk rules in {Path} refused, the rules in force stay: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
