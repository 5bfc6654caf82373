using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisOps.Domain.Warning;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrisisOps.Data;

/// <summary>
/// A plan's steps as one JSON text column. Steps are a value: always read, written and replaced
/// whole with their plan, never queried one by one, so a table of their own would only add joins.
/// Roles are stored as the API writes them (<c>duty-officer</c>), durations as <c>d.hh:mm:ss</c>.
/// </summary>
public static class PlanStepsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    public static ValueConverter<IReadOnlyList<PlanStep>, string> Converter { get; } = new(
        steps => JsonSerializer.Serialize(steps, Options),
        json => JsonSerializer.Deserialize<List<PlanStep>>(json, Options) ?? new List<PlanStep>());

    public static ValueComparer<IReadOnlyList<PlanStep>> Comparer { get; } = new(
        (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
        steps => steps.Aggregate(0, (hash, step) => HashCode.Combine(hash, step)),
        steps => steps.ToList());
}
