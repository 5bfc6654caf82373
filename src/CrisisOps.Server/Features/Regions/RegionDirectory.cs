using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Regions;

/// <summary>A region as lookups need it, without its boundary.</summary>
public sealed record RegionInfo(string Code, string? ParentCode, RegionLevel Level, string NameZh, string NameEn, string Path);

/// <summary>
/// The region tree and its point locator, held in memory because every report, reading and
/// alert asks "which region is this?". Each replica reloads when the journal shows a newer
/// region import than the one it holds (checked at most every few seconds), so replicas agree
/// without sharing memory.
/// </summary>
public sealed class RegionDirectory(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan StalenessCheck = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot _snapshot = new(-1, new Dictionary<string, RegionInfo>(StringComparer.Ordinal), RegionLocator.Empty);
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        if (clock.GetUtcNow() - _checkedAt < StalenessCheck && _snapshot.Version >= 0)
        {
            return _snapshot;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
            var version = await db.Journal.Where(j => j.Type == JournalTypes.RegionsImported)
                .MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
            if (version != _snapshot.Version)
            {
                _snapshot = await LoadAsync(db, version, cancellationToken);
            }

            _checkedAt = clock.GetUtcNow();
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The region a query filters by, checked against the caller: 404 when there is none, 403 when
    /// the caller lacks <paramref name="permission"/> there.
    /// </summary>
    /// <exception cref="ProblemException">404 not-found or 403 outside-jurisdiction.</exception>
    public async Task<RegionInfo> ScopeAsync(string code, Permission permission, CallerAccessor caller, CancellationToken cancellationToken)
    {
        var region = (await GetAsync(cancellationToken)).Find(code) ?? throw ProblemException.NotFound($"Region '{code}'");
        await caller.RequireAsync(permission, region.Path, cancellationToken);
        return region;
    }

    /// <summary>A region named in a request body: 422 when there is none.</summary>
    /// <exception cref="ProblemException">422 unknown-region.</exception>
    public async Task<RegionInfo> NamedAsync(string? code, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken)).Find(code)
        ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region",
            $"There is no region '{code}'.");

    /// <summary>Forces the next lookup to reload (after an import in this replica).</summary>
    public void Invalidate() => _checkedAt = DateTimeOffset.MinValue;

    private static async Task<Snapshot> LoadAsync(CrisisOpsDbContext db, long version, CancellationToken cancellationToken)
    {
        var regions = await db.Regions.AsNoTracking().ToListAsync(cancellationToken);
        var infos = regions.ToDictionary(
            r => r.Code,
            r => new RegionInfo(r.Code, r.ParentCode, r.Level, r.NameZh, r.NameEn, r.Path),
            StringComparer.Ordinal);
        var locator = new RegionLocator(regions
            .Where(r => r.BoundaryGeoJson is not null)
            .Select(r => new RegionBoundary(r.Code, r.Depth, GeoJson.ReadGeometry(r.BoundaryGeoJson!))));
        return new Snapshot(version, infos, locator);
    }

    public sealed record Snapshot(long Version, IReadOnlyDictionary<string, RegionInfo> Regions, RegionLocator Locator)
    {
        public RegionInfo? Find(string? code) => code is not null && Regions.TryGetValue(code, out var r) ? r : null;

        public RegionInfo? Locate(GeoPoint point) => Find(Locator.Locate(point));

        /// <summary>The region and its ancestors, root first.</summary>
        public IReadOnlyList<RegionInfo> Chain(RegionInfo region) =>
            [.. RegionPath.Codes(region.Path).Select(Find).OfType<RegionInfo>()];
    }
}
