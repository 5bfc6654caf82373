using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Regions;

public sealed record ImportWarning(int Index, string? Code, string Message);

public sealed record RegionImportResult(int Regions, int Sites, bool DryRun, IReadOnlyList<ImportWarning> Warnings);

/// <summary>
/// Stores a validated region import in one transaction: every region and site, or nothing.
/// Used by the API, the CLI (through the API) and the demo seed.
/// </summary>
public sealed class RegionImporter(CrisisOpsDbContext db, RegionDirectory directory, TimeProvider clock)
{
    /// <param name="mayWrite">Checked for every region path the import would write; false → 403.</param>
    /// <exception cref="ProblemException">422 with the per-feature error list, or 403.</exception>
    public async Task<RegionImportResult> ImportAsync(JsonElement document, string actor, bool dryRun,
        Func<string, bool> mayWrite, CancellationToken cancellationToken)
    {
        var existing = await db.Regions.AsNoTracking()
            .Select(r => new ExistingRegion(r.Code, r.ParentCode, r.Level, r.Path, r.BoundaryGeoJson))
            .ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        var plan = RegionImport.Plan(document, existing);
        if (!plan.IsValid)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "region-import-invalid",
                "The import has errors; nothing was imported.",
                $"{plan.Errors.Count} feature(s) have errors. Fix them all and import again.",
                extensions: new Dictionary<string, object?>
                {
                    ["features"] = plan.Errors.Select(e => new { index = e.Index, code = e.Code, errors = e.Messages }),
                });
        }

        var denied = plan.Regions.Select(r => r.Path).Concat(plan.Sites.Select(s => s.RegionPath))
            .FirstOrDefault(path => !mayWrite(path));
        if (denied is not null)
        {
            throw ProblemException.Forbidden($"You may not import regions at '{denied}'.");
        }

        var warnings = plan.Warnings.SelectMany(w => w.Messages.Select(m => new ImportWarning(w.Index, w.Code, m))).ToList();
        if (dryRun)
        {
            return new RegionImportResult(plan.Regions.Count, plan.Sites.Count, true, warnings);
        }

        var regionCodes = plan.Regions.Select(r => r.Definition.Code.Value).ToList();
        var stored = await db.Regions.Where(r => regionCodes.Contains(r.Code))
            .ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        foreach (var planned in plan.Regions)
        {
            if (stored.TryGetValue(planned.Definition.Code.Value, out var region))
            {
                region.Apply(planned.Definition, planned.Path);
            }
            else
            {
                db.Regions.Add(new Region(planned.Definition, planned.Path));
            }
        }

        var siteCodes = plan.Sites.Select(s => s.Definition.Code.Value).ToList();
        var storedSites = await db.Sites.Where(s => siteCodes.Contains(s.Code))
            .ToDictionaryAsync(s => s.Code, StringComparer.Ordinal, cancellationToken);
        foreach (var planned in plan.Sites)
        {
            if (storedSites.TryGetValue(planned.Definition.Code.Value, out var site))
            {
                site.Apply(planned.Definition, planned.RegionCode, planned.RegionPath);
            }
            else
            {
                db.Sites.Add(new Site(planned.Definition, planned.RegionCode, planned.RegionPath));
            }
        }

        // The import is filed under the deepest region that contains everything it touched, so
        // exactly those who may see all of it see the entry.
        var scope = CommonAncestor(plan.Regions.Select(r => r.Path).Concat(plan.Sites.Select(s => s.RegionPath)));
        db.Append(new JournalRecord(clock.GetUtcNow(), actor, JournalTypes.RegionsImported,
            scope is null ? null : RegionPath.Codes(scope)[^1],
            scope,
            null,
            new
            {
                regions = plan.Regions.Count,
                sites = plan.Sites.Count,
                created = plan.Regions.Count(r => !stored.ContainsKey(r.Definition.Code.Value)),
                codes = regionCodes.Take(50),
                warnings = warnings.Count,
            }));
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate();
        return new RegionImportResult(plan.Regions.Count, plan.Sites.Count, false, warnings);
    }

    /// <summary>Deepest path that is or contains every given path, or null when they share no root.</summary>
    private static string? CommonAncestor(IEnumerable<string> paths)
    {
        List<string>? common = null;
        foreach (var path in paths)
        {
            var codes = RegionPath.Codes(path);
            common = common is null ? [.. codes] : [.. common.Zip(codes).TakeWhile(p => p.First == p.Second).Select(p => p.First)];
        }

        return common is { Count: > 0 } ? RegionPath.Of(common) : null;
    }
}
