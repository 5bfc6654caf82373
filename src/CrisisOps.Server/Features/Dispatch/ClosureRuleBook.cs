using CrisisOps.Domain.Dispatch;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// The closure rules in force, from <c>Dispatch:ClosureRulesFile</c> (default the shipped Dispatch/closure-rules.json).
/// Read once at start; a bad file stops the server with the field named, since silently running without the rules
/// would leave flooded roads open to routing.
/// </summary>
public sealed class ClosureRuleBook
{
    public ClosureRuleBook(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Path = System.IO.Path.GetFullPath(configuration["Dispatch:ClosureRulesFile"]
            ?? System.IO.Path.Combine(AppContext.BaseDirectory, "Dispatch", "closure-rules.json"));
        try
        {
            Rules = ClosureRules.Parse(File.ReadAllText(Path));
        }
        catch (ClosureRuleException ex)
        {
            throw new InvalidOperationException($"Closure rules in {Path} are invalid at {ex.Message}", ex);
        }
    }

    public string Path { get; }

    public IReadOnlyList<ClosureRule> Rules { get; }
}
