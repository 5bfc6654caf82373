using System.Text.Json;
using CrisisOps.Domain.Incidents;

namespace CrisisOps.Domain.Command;

/// <summary>
/// A kind of headquarters (指挥部) ready to form: its name, the incident types it is for, and the
/// departments whose teams join it. Forming one from a template is one action, not a meeting.
/// </summary>
public sealed record HqTemplate(string Code, string NameZh, string NameEn, IReadOnlyList<IncidentType> IncidentTypes,
    HqPositions Positions, IReadOnlyList<string> Departments)
{
    public bool AppliesTo(IncidentType type) => IncidentTypes.Contains(type);
}

/// <summary>The titles of the two leading posts, e.g. 总指挥 / 副总指挥.</summary>
public sealed record HqPositions(string CommanderZh, string CommanderEn, string DeputyZh, string DeputyEn);

/// <summary>A template file that does not say what it must; <see cref="Field"/> names where it went wrong.</summary>
public sealed class HqTemplateException : DomainException
{
    public HqTemplateException(string field, string message) : base("invalid-hq-template", $"{field}: {message}") => Field = field;

    public HqTemplateException() : this("$", "invalid template") { }

    public HqTemplateException(string message) : this("$", message) { }

    public HqTemplateException(string message, Exception innerException) : base(message, innerException) => Field = "$";

    /// <summary>JSON path of the bad field, e.g. <c>templates[1].departments[3]</c>.</summary>
    public string Field { get; } = "$";
}

/// <summary>Reads the template file shipped with the server and checks every field.</summary>
public static class HqTemplates
{
    /// <summary>Parses <c>{"templates": [...]}</c>.</summary>
    /// <exception cref="HqTemplateException">Malformed JSON, a missing or bad field (named), an unknown department or incident type, a duplicate code.</exception>
    public static IReadOnlyList<HqTemplate> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new HqTemplateException("$", "not JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("templates", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new HqTemplateException("templates", "required: an array of templates");
            }

            var result = new List<HqTemplate>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = $"templates[{index++}]";
                var template = ParseOne(item, at);
                if (result.Any(t => t.Code == template.Code))
                {
                    throw new HqTemplateException(at + ".code", $"duplicate code '{template.Code}'");
                }

                result.Add(template);
            }

            if (result.Count == 0)
            {
                throw new HqTemplateException("templates", "at least one template");
            }

            return result;
        }
    }

    private static HqTemplate ParseOne(JsonElement item, string at)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new HqTemplateException(at, "must be an object");
        }

        var code = Text(item, "code", at, 64);
        if (!code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new HqTemplateException(at + ".code", "lower-case letters, digits and '-'");
        }

        var nameZh = Text(item, "nameZh", at, 100);
        var nameEn = Text(item, "nameEn", at, 100);

        var types = new List<IncidentType>();
        foreach (var (value, path) in Strings(item, "incidentTypes", at))
        {
            if (!TryParseType(value, out var type))
            {
                throw new HqTemplateException(path, $"unknown incident type '{value}'");
            }

            types.Add(type);
        }

        if (!item.TryGetProperty("positions", out var positions) || positions.ValueKind != JsonValueKind.Object)
        {
            throw new HqTemplateException(at + ".positions", "required: an object with commander and deputy titles");
        }

        var posAt = at + ".positions";
        var titles = new HqPositions(Text(positions, "commanderZh", posAt, 50), Text(positions, "commanderEn", posAt, 50),
            Text(positions, "deputyZh", posAt, 50), Text(positions, "deputyEn", posAt, 50));

        var departments = new List<string>();
        foreach (var (value, path) in Strings(item, "departments", at))
        {
            if (!Departments.IsKnown(value))
            {
                throw new HqTemplateException(path, $"unknown department '{value}'");
            }

            if (departments.Contains(value))
            {
                throw new HqTemplateException(path, $"department '{value}' is listed twice");
            }

            departments.Add(value);
        }

        return new HqTemplate(code, nameZh, nameEn, types, titles, departments);
    }

    private static string Text(JsonElement item, string name, string at, int max)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new HqTemplateException($"{at}.{name}", "required text");
        }

        var text = value.GetString()!.Trim();
        return text.Length > max ? throw new HqTemplateException($"{at}.{name}", $"at most {max} characters") : text;
    }

    private static List<(string Value, string Path)> Strings(JsonElement item, string name, string at)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new HqTemplateException($"{at}.{name}", "required: a non-empty array");
        }

        var result = new List<(string, string)>();
        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            var path = $"{at}.{name}[{i++}]";
            if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
            {
                throw new HqTemplateException(path, "must be text");
            }

            result.Add((element.GetString()!, path));
        }

        return result;
    }

    /// <summary>Incident types as the API writes them: kebab-case (<c>waterlogging</c>, <c>subway-failure</c>).</summary>
    public static bool TryParseType(string value, out IncidentType type)
    {
        foreach (var candidate in Enum.GetValues<IncidentType>())
        {
            if (string.Equals(JsonNamingPolicy.KebabCaseLower.ConvertName(candidate.ToString()), value, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
