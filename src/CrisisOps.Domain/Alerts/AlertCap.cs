using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Simplify;

namespace CrisisOps.Domain.Alerts;

/// <summary>
/// Turns an <see cref="Alert"/> into the CAP message the world reads: one info block per language, each with
/// the same area (region names in that language, our region codes as geocodes, the regions' outline as
/// polygons).
/// </summary>
public static class AlertCap
{
    /// <summary>The <c>valueName</c> of our region codes in <c>geocode</c>.</summary>
    public const string RegionGeocode = "CrisisOps-Region";

    /// <summary>
    /// Points in all polygons together: enough to follow a district's outline, few enough that the whole
    /// document stays small for cell broadcast gateways and phones.
    /// </summary>
    public const int MaxPolygonPoints = 300;

    /// <summary>
    /// The CAP message for <paramref name="alert"/>, sent at <paramref name="sent"/>; <paramref name="boundaries"/> are the
    /// GeoJSON geometries of the alert's regions (those that have one).
    /// </summary>
    public static CapAlert ToCap(Alert alert, DateTimeOffset sent, IEnumerable<string> boundaries)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var polygons = Outline(boundaries);
        return new CapAlert
        {
            Identifier = alert.Identifier,
            Sender = alert.Sender,
            Sent = sent,
            Status = alert.Status,
            MsgType = alert.MsgType,
            Scope = alert.Scope,
            Restriction = alert.Scope == CapScope.Restricted ? alert.Restriction ?? "Emergency services" : null,
            Addresses = alert.Scope == CapScope.Private ? alert.Restriction ?? "crisisops" : null,
            Code = [],
            Note = alert.IsExercise ? "Exercise / 演练" : null,
            References = alert.References,
            Infos = [.. alert.Infos.Select(info => Info(alert, info, polygons))],
        };
    }

    private static CapInfo Info(Alert alert, AlertInfo info, IReadOnlyList<CapPolygon> polygons)
    {
        var zh = info.Language.StartsWith("zh", StringComparison.Ordinal);
        return new CapInfo
        {
            Language = info.Language,
            Categories = [info.Category],
            Event = info.Event,
            ResponseTypes = [],
            Urgency = info.Urgency,
            Severity = info.Severity,
            Certainty = info.Certainty,
            EventCodes = alert.Hazard is { } hazard ? [new CapValuePair("CrisisOps-Hazard", hazard)] : [],
            Expires = info.Expires,
            SenderName = zh ? "CrisisOps 应急指挥" : "CrisisOps emergency operations",
            Headline = info.Headline,
            Description = info.Description,
            Instruction = info.Instruction,
            Parameters = [new CapValuePair("CrisisOps-Tier", AlertTiers.Name(alert.Tier, "en"))],
            Resources = [],
            Areas =
            [
                new CapArea
                {
                    AreaDesc = string.Join(zh ? "、" : ", ", alert.Regions.Select(r => zh ? r.NameZh : r.NameEn)),
                    Polygons = polygons,
                    Circles = [],
                    Geocodes = [.. alert.Regions.Select(r => new CapValuePair(RegionGeocode, r.Code))],
                },
            ],
        };
    }

    /// <summary>
    /// The union of the boundaries as CAP polygons (outer rings only: CAP has no holes, and a hole in an alert
    /// area would leave people out), simplified until all of them together have at most
    /// <see cref="MaxPolygonPoints"/> points.
    /// </summary>
    public static IReadOnlyList<CapPolygon> Outline(IEnumerable<string> boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        var geometries = boundaries.Select(GeoJson.ReadGeometry).Where(g => !g.IsEmpty).ToList();
        if (geometries.Count == 0)
        {
            return [];
        }

        var union = geometries.Count == 1 ? geometries[0] : UnaryUnionOp.Union(geometries);
        var shape = union;
        for (var tolerance = 0.0001; Rings(shape).Sum(r => r.NumPoints) > MaxPolygonPoints && tolerance < 10; tolerance *= 2)
        {
            shape = TopologyPreservingSimplifier.Simplify(union, tolerance);
        }

        // Tiny islands that would still push the document over the limit go last, largest first.
        var rings = Rings(shape).OrderByDescending(r => new Polygon(r).Area).ToList();
        var kept = new List<CapPolygon>();
        var points = 0;
        foreach (var ring in rings)
        {
            if (points + ring.NumPoints > MaxPolygonPoints && kept.Count > 0)
            {
                break;
            }

            points += ring.NumPoints;
            kept.Add(new CapPolygon([.. ring.Coordinates.Select(c => new GeoPoint(Math.Round(c.Y, 5), Math.Round(c.X, 5)))]));
        }

        return kept;
    }

    private static IEnumerable<LinearRing> Rings(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon && polygon.ExteriorRing is LinearRing ring)
            {
                yield return ring;
            }
        }
    }
}
