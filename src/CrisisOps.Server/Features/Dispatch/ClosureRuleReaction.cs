using CrisisOps.Data;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Warning;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// Closes and reopens roads as the risk map says (<see cref="ClosureRuleBook"/>): when a region's tier in force for a
/// rule's hazard reaches the rule's tier, the roads inside the region close (source Rule, key
/// <c>rule:region</c>), journaled, and plans driving through them are flagged as for a manual closure; when the tier
/// falls below, they reopen. What is closed is read from the database each time, never held in memory, so it holds
/// across restarts and replicas, and a rule closure is never opened twice.
/// </summary>
public sealed class ClosureRuleReaction(ClosureRuleBook book, RoadClosureDesk desk, RoadNetworkHost roads) : ITierChangeReaction
{
    public async Task OnTierChangedAsync(CrisisOpsDbContext db, RegionRisk row, WarningTier from, string actor, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        var rules = book.Rules.Where(r => string.Equals(r.Hazard, row.Hazard, StringComparison.Ordinal)).ToList();
        if (rules.Count == 0)
        {
            return;
        }

        var region = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == row.RegionCode, ct);
        if (region is null)
        {
            return;
        }

        var opened = new List<RoadClosure>();
        foreach (var rule in rules.Where(r => r.AppliesTo(row.Hazard, region.Attributes)))
        {
            var key = rule.ClosureKey(region.Code);
            await db.RoadClosures.Where(c => c.RuleKey == key && c.Status == ClosureStatus.Active).LoadAsync(ct);
            var active = db.RoadClosures.Local.Where(c => c.RuleKey == key && c.IsActive).ToList();
            if (rule.ClosesAt(row.Tier) && active.Count == 0)
            {
                foreach (var request in Requests(rule, region))
                {
                    var closure = new RoadClosure(Guid.CreateVersion7(now), request, region.Code, region.Path, ClosureSource.Rule, key, now, actor);
                    db.RoadClosures.Add(closure);
                    db.Append(RoadClosureDesk.Closed(closure, now, actor));
                    opened.Add(closure);
                }
            }
            else if (!rule.ClosesAt(row.Tier))
            {
                foreach (var closure in active)
                {
                    closure.Reopen(now, actor);
                    db.Append(RoadClosureDesk.Reopened(closure, now, actor));
                }
            }
        }

        if (opened.Count > 0)
        {
            await desk.FlagPlansAsync(db, opened, now, ct);
        }
    }

    /// <summary>
    /// The closures a rule makes in a region: one area per polygon of its boundary, or the selected ways inside it.
    /// Selecting ways needs the road network; while it is not loaded a selecting rule closes nothing.
    /// </summary>
    private IEnumerable<ClosureRequest> Requests(ClosureRule rule, Region region)
    {
        var rings = Rings(region.BoundaryGeoJson);
        var reasonZh = $"{rule.ReasonZh}（{region.NameZh}）";
        var reasonEn = $"{rule.ReasonEn} ({region.NameEn})";
        if (rule.Ways is null)
        {
            return rings.Select(ring => new ClosureRequest(ClosureKind.Area, null, null, ring, reasonZh, reasonEn, null));
        }

        if (roads.Network is not { } network)
        {
            return [];
        }

        return network.Ways
            .Where(w => rule.Ways.Matches(w.Tunnel, w.Layer)
                && w.Geometry.Any(c => rings.Any(ring => RouteGeometry.Inside(new GeoPoint(c.Latitude, c.Longitude), ring))))
            .Select(w => new ClosureRequest(ClosureKind.Way, w.Id, null, null, reasonZh, reasonEn, null))
            .ToList();
    }

    /// <summary>The outer rings of a boundary, thinned evenly to what a closure holds.</summary>
    private static List<IReadOnlyList<GeoPoint>> Rings(string? boundary)
    {
        if (boundary is null)
        {
            return [];
        }

        var geometry = GeoJson.ReadGeometry(boundary);
        var polygons = geometry switch
        {
            Polygon p => [p],
            MultiPolygon m => m.Geometries.OfType<Polygon>().ToList(),
            _ => new List<Polygon>(),
        };
        var rings = new List<IReadOnlyList<GeoPoint>>();
        foreach (var polygon in polygons)
        {
            var points = polygon.ExteriorRing.Coordinates.Select(c => new GeoPoint(c.Y, c.X)).ToList();
            var step = (int)Math.Ceiling(points.Count / (double)RoadClosure.MaxAreaPoints);
            rings.Add(step <= 1 ? points : [.. points.Where((_, i) => i % step == 0)]);
        }

        return rings;
    }
}
