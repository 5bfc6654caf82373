using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CrisisOps.Domain.Regions;

/// <summary>RFC 7946 geometry text to and from NetTopologySuite, with one shared factory (SRID 4326).</summary>
public static class GeoJson
{
    public static GeometryFactory Factory { get; } = new(new PrecisionModel(), 4326);

    public static JsonSerializerOptions Options { get; } = new()
    {
        Converters = { new GeoJsonConverterFactory(Factory) },
    };

    /// <exception cref="JsonException">The text is not a GeoJSON geometry.</exception>
    public static Geometry ReadGeometry(string json) =>
        JsonSerializer.Deserialize<Geometry>(json, Options)
        ?? throw new JsonException("The geometry is null.");

    public static Geometry ReadGeometry(JsonElement element) =>
        element.Deserialize<Geometry>(Options)
        ?? throw new JsonException("The geometry is null.");

    public static string Write(Geometry geometry) => JsonSerializer.Serialize(geometry, Options);
}
