using System.Text.Json;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Information;

namespace CrisisOps.Server.Features.Information;

/// <summary>
/// The information settings: up to which severity an incident owes a first release (<c>Information:FirstReleaseUpToSeverity</c>,
/// default III like the headquarters), how soon (<c>Information:FirstReleaseWithin</c>, 4 h), how soon a hotline ticket is
/// answered by urgency (<c>Information:Hotline:AnswerWithin:Normal</c> 2 h, <c>:Urgent</c> 30 min) and how many web tickets
/// one address may send an hour (<c>Information:Hotline:WebTicketsPerHour</c>, 5).
/// </summary>
public sealed class InformationSettings(IConfiguration configuration)
{
    public IncidentSeverity FirstReleaseUpToSeverity =>
        Enum.TryParse<IncidentSeverity>(configuration["Information:FirstReleaseUpToSeverity"], out var severity) && Enum.IsDefined(severity)
            ? severity
            : IncidentSeverity.III;

    public TimeSpan FirstReleaseWithin => configuration.GetValue<TimeSpan?>("Information:FirstReleaseWithin") ?? TimeSpan.FromHours(4);

    public TimeSpan AnswerWithin(TicketUrgency urgency) =>
        configuration.GetValue<TimeSpan?>($"Information:Hotline:AnswerWithin:{urgency}")
        ?? (urgency == TicketUrgency.Urgent ? TimeSpan.FromMinutes(30) : TimeSpan.FromHours(2));

    public int WebTicketsPerHour => configuration.GetValue("Information:Hotline:WebTicketsPerHour", 5);
}

public sealed record HotlineTopic(string Code, string NameZh, string NameEn);

public sealed record SafetyInstruction(string Hazard, string TitleZh, string TitleEn, IReadOnlyList<string> StepsZh, IReadOnlyList<string> StepsEn);

/// <summary>
/// The hotline's topics and the public safety instructions per hazard (<c>Information/information.json</c>, or
/// <c>Information:File</c>), read and checked once at start: a bad file stops the server with what is wrong.
/// </summary>
public sealed class InformationCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public InformationCatalog(IConfiguration configuration)
    {
        var path = Path.GetFullPath(configuration["Information:File"] ?? Path.Combine(AppContext.BaseDirectory, "Information", "information.json"));
        (Topics, Safety) = Parse(File.ReadAllText(path));
    }

    public IReadOnlyList<HotlineTopic> Topics { get; }

    public IReadOnlyList<SafetyInstruction> Safety { get; }

    public bool IsTopic(string? code) => Topics.Any(t => string.Equals(t.Code, code, StringComparison.Ordinal));

    private sealed record FileShape(List<HotlineTopic>? Topics, List<SafetyInstruction>? Safety);

    /// <exception cref="InvalidDataException">The file is not JSON or breaks a rule; the message names the entry.</exception>
    public static (IReadOnlyList<HotlineTopic>, IReadOnlyList<SafetyInstruction>) Parse(string json)
    {
        FileShape? file;
        try
        {
            file = JsonSerializer.Deserialize<FileShape>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("information.json is not valid JSON: " + ex.Message, ex);
        }

        if (file?.Topics is not { Count: > 0 } topics || file.Safety is not { Count: > 0 } safety)
        {
            throw new InvalidDataException("information.json needs a non-empty 'topics' and 'safety'.");
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in topics)
        {
            if (t is null || string.IsNullOrWhiteSpace(t.Code) || t.Code.Length > 40 || !t.Code.All(c => c is (>= 'a' and <= 'z') or '-')
                || string.IsNullOrWhiteSpace(t.NameZh) || string.IsNullOrWhiteSpace(t.NameEn) || !codes.Add(t.Code))
            {
                throw new InvalidDataException($"information.json: topic '{t?.Code}' needs a unique kebab-case code (≤ 40) and names in zh and en.");
            }
        }

        var hazards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in safety)
        {
            if (s is null || string.IsNullOrWhiteSpace(s.Hazard) || !hazards.Add(s.Hazard) || string.IsNullOrWhiteSpace(s.TitleZh)
                || string.IsNullOrWhiteSpace(s.TitleEn) || s.StepsZh is not { Count: > 0 } || s.StepsEn is not { Count: > 0 }
                || s.StepsZh.Count != s.StepsEn.Count || s.StepsZh.Concat(s.StepsEn).Any(string.IsNullOrWhiteSpace))
            {
                throw new InvalidDataException(
                    $"information.json: safety '{s?.Hazard}' needs a unique hazard, titles and the same number of non-empty steps in zh and en.");
            }
        }

        return (topics, safety);
    }
}
