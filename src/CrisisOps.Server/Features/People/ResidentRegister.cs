using System.Linq.Expressions;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.People;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.People;

/// <summary>A resident in a list: no contact data, a masked name, and which channels exist.</summary>
public sealed record ResidentSummary(Guid Id, string Reference, string MaskedName, string HomeRegionCode, string? WorkRegionCode,
    IReadOnlyList<string> Needs, string Language, bool HasMobile, bool HasLandline, bool HasEmail, bool HasPushToken);

public sealed record ResidentPage(int Total, int Page, int PageSize, IReadOnlyList<ResidentSummary> Items);

public sealed record PlaceDto(string RegionCode, string? Address, double? Latitude, double? Longitude);

public sealed record TrainingDto(string Course, DateOnly CompletedOn);

/// <summary>The full profile: personal data, shown only after the read is journaled.</summary>
public sealed record ResidentProfile(Guid Id, string Reference, string Name, int? BirthYear, PlaceDto Home, PlaceDto? Work, string? Mobile,
    string? Landline, string? Email, string? PushToken, string Language, IReadOnlyList<string> Needs, IReadOnlyList<TrainingDto> Trainings,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

/// <summary>Counts of the residents living in a region, for the console and delivery planning: no personal data.</summary>
public sealed record ResidentSegments(string RegionCode, int Total, IReadOnlyDictionary<string, int> ByNeed, IReadOnlyDictionary<string, int> ByLanguage,
    IReadOnlyDictionary<string, int> ByCommunity, int WithMobile, int WithoutMobile);

/// <summary>A list filter: region (home or work under it), special needs (all of them), language.</summary>
public sealed record ResidentFilter(string? Region, SpecialNeeds Needs, string? Language, int Page, int PageSize);

/// <summary>
/// Reading the register. A caller sees a resident when they hold <see cref="Permission.ReadProfiles"/> at a region covering the
/// resident's home or work region; to anyone else the resident does not exist (404, never 403, so existence does not leak).
/// </summary>
public sealed class ResidentRegister(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    /// <summary>Residents whose home or work region lies under one of <paramref name="scopes"/>.</summary>
    public static IQueryable<Resident> Visible(IQueryable<Resident> query, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Contains(Domain.Regions.RegionPath.Separator))
        {
            return query;
        }

        var r = Expression.Parameter(typeof(Resident), "r");
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        Expression body = Expression.Constant(false);
        foreach (var scope in scopes)
        {
            var home = Expression.Call(Expression.Property(r, nameof(Resident.HomeRegionPath)), startsWith, Expression.Constant(scope));
            var workPath = Expression.Property(r, nameof(Resident.WorkRegionPath));
            var work = Expression.AndAlso(Expression.NotEqual(workPath, Expression.Constant(null, typeof(string))),
                Expression.Call(workPath, startsWith, Expression.Constant(scope)));
            body = Expression.OrElse(body, Expression.OrElse(home, work));
        }

        return query.Where(Expression.Lambda<Func<Resident, bool>>(body, r));
    }

    public static bool CanSee(CallerAccess access, Resident resident, Permission permission = Permission.ReadProfiles)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(resident);
        return access.Can(permission, resident.HomeRegionPath) || resident.WorkRegionPath is { } work && access.Can(permission, work);
    }

    /// <exception cref="ProblemException">404/403 for a region filter the caller may not read.</exception>
    public async Task<ResidentPage> ListAsync(ResidentFilter filter, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = Visible(db.Residents.AsNoTracking(), access.ScopesFor(Permission.ReadProfiles));
        if (filter.Region is { } code)
        {
            var path = (await RegionAsync(code, access, Permission.ReadProfiles, ct)).Path;
            query = query.Where(x => x.HomeRegionPath.StartsWith(path) || x.WorkRegionPath != null && x.WorkRegionPath.StartsWith(path));
        }

        if (filter.Needs != SpecialNeeds.None)
        {
            var needs = filter.Needs;
            query = query.Where(x => (x.Needs & needs) == needs);
        }

        if (filter.Language is { } language)
        {
            query = query.Where(x => x.Language == language);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(x => x.Reference).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Select(x => new { x.Id, x.Reference, x.Name, x.HomeRegionCode, x.WorkRegionCode, x.Needs, x.Language,
                HasMobile = x.Mobile != null, HasLandline = x.Landline != null, HasEmail = x.Email != null, HasPush = x.PushToken != null })
            .ToListAsync(ct);
        return new ResidentPage(total, filter.Page, filter.PageSize, [.. rows.Select(x => new ResidentSummary(x.Id, x.Reference,
            ResidentNames.Masked(x.Name), x.HomeRegionCode, x.WorkRegionCode, SpecialNeedsWords.WordsOf(x.Needs), x.Language, x.HasMobile,
            x.HasLandline, x.HasEmail, x.HasPush))]);
    }

    /// <summary>The full profile; journals <c>profile.read</c> (who, which resident, its region) before answering.</summary>
    /// <exception cref="ProblemException">404 when the resident does not exist or the caller may not read it.</exception>
    public async Task<ResidentProfile> ReadAsync(Guid id, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await factory.CreateDbContextAsync(ct);
        var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resident is null || !CanSee(access, resident))
        {
            throw ProblemException.NotFound($"Resident '{id}'");
        }

        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.ProfileRead, resident.HomeRegionCode, resident.HomeRegionPath, null,
            new { residentId = resident.Id }));
        await db.SaveChangesAsync(ct);
        return Profile(resident);
    }

    /// <exception cref="ProblemException">404/403 for a region the caller may not read.</exception>
    public async Task<ResidentSegments> SegmentsAsync(string region, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var scope = await RegionAsync(region, access, Permission.ReadProfiles, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var living = db.Residents.AsNoTracking().Where(r => r.HomeRegionPath.StartsWith(scope.Path));

        // Grouped in the database: a city has a million residents but only a few hundred combinations of needs.
        var byNeeds = await living.GroupBy(r => r.Needs).Select(g => new { Needs = g.Key, Count = g.Count() }).ToListAsync(ct);
        var byLanguage = await living.GroupBy(r => r.Language).Select(g => new { Language = g.Key, Count = g.Count() }).ToListAsync(ct);
        var byCommunity = await living.GroupBy(r => r.HomeRegionCode).Select(g => new { Code = g.Key, Count = g.Count() }).ToListAsync(ct);
        var withMobile = await living.CountAsync(r => r.Mobile != null, ct);
        var total = byNeeds.Sum(n => n.Count);
        return new ResidentSegments(scope.Code, total,
            SpecialNeedsWords.All.ToDictionary(SpecialNeedsWords.Word, need => byNeeds.Where(n => (n.Needs & need) == need).Sum(n => n.Count),
                StringComparer.Ordinal),
            byLanguage.OrderByDescending(l => l.Count).ToDictionary(l => l.Language, l => l.Count, StringComparer.Ordinal),
            byCommunity.OrderBy(c => c.Code, StringComparer.Ordinal).ToDictionary(c => c.Code, c => c.Count, StringComparer.Ordinal),
            withMobile, total - withMobile);
    }

    public static ResidentProfile Profile(Resident r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ResidentProfile(r.Id, r.Reference, r.Name, r.BirthYear, new PlaceDto(r.HomeRegionCode, r.HomeAddress, r.HomeLatitude, r.HomeLongitude),
            r.WorkRegionCode is null ? null : new PlaceDto(r.WorkRegionCode, null, r.WorkLatitude, r.WorkLongitude), r.Mobile, r.Landline, r.Email,
            r.PushToken, r.Language, SpecialNeedsWords.WordsOf(r.Needs), [.. r.Trainings.Select(t => new TrainingDto(t.Course, t.CompletedOn))],
            r.CreatedAt, r.UpdatedAt, r.Version);
    }

    /// <summary>A region the caller names: 404 when unknown, 403 when the permission does not hold there.</summary>
    /// <exception cref="ProblemException">404 not-found or 403 outside-jurisdiction.</exception>
    public async Task<RegionInfo> RegionAsync(string code, CallerAccess access, Permission permission, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var region = (await directory.GetAsync(ct)).Find(code) ?? throw ProblemException.NotFound($"Region '{code}'");
        if (!access.Can(permission, region.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{permission}' in region '{code}'.");
        }

        return region;
    }
}
