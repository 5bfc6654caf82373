using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;

namespace CrisisOps.Server.Features.Resources;

/// <summary>
/// Where a resource is: a region code, a point, or both. A point alone is placed in the smallest region
/// that contains it (the region locator); a region code wins when both are given.
/// </summary>
internal static class Placements
{
    /// <exception cref="ProblemException">400 for half a point or coordinates out of range; 422 unknown-region or outside-regions.</exception>
    public static async Task<(RegionInfo Region, Placement Placement)> ResolveAsync(RegionDirectory directory, string? regionCode, double? latitude,
        double? longitude, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(latitude is null == longitude is null, "latitude", "Give latitude and longitude together, or neither.");
        errors.Check(latitude is null || longitude is null || GeoPoint.IsValid(latitude.Value, longitude.Value), "latitude",
            "Latitude within [-90, 90], longitude within [-180, 180].");
        errors.Check(!string.IsNullOrWhiteSpace(regionCode) || latitude is not null, "regionCode", "Give a region code or a point (latitude, longitude).");
        errors.ThrowIfAny();

        GeoPoint? point = latitude is { } lat && longitude is { } lon ? new GeoPoint(lat, lon) : null;
        RegionInfo region;
        if (!string.IsNullOrWhiteSpace(regionCode))
        {
            region = await directory.NamedAsync(regionCode, ct);
        }
        else
        {
            region = (await directory.GetAsync(ct)).Locate(point!.Value)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "outside-regions", "The point lies in no region",
                    "No imported region contains the point; give a region code.");
        }

        return (region, new Placement(region.Code, region.Path, point));
    }
}
