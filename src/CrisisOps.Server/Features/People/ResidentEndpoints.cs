using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.People;
using CrisisOps.Server.Features.Regions;
using RegionInfo = CrisisOps.Server.Features.Regions.RegionInfo;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.People;

/// <summary>An edit of a profile: the whole profile as it should be (the reference stays).</summary>
public sealed record ResidentUpdateRequest(string? Name, string? Community, string? Address, double? Latitude, double? Longitude,
    string? WorkCommunity, string? Mobile, string? Landline, string? Email, string? PushToken, string? Language, List<string>? Needs,
    int? BirthYear, List<TrainingDto>? Trainings, int? Version);

public sealed record ExportRequest(string? Region, string? Reason, string? Format);

/// <summary>The residents' register (公民应急数字画像): import, list, profile, edit, delete, segment counts, export.</summary>
public static class ResidentEndpoints
{
    public const int MaxFileRows = 20_000;
    public const long FileBodyLimit = 8L * 1024 * 1024;

    public static IEndpointRouteBuilder MapResidentEndpoints(this IEndpointRouteBuilder app)
    {
        var residents = app.MapGroup("/api/v1/residents").WithTags("People");
        residents.MapPost("/import", ImportAsync).RequirePermission(Permission.ManageProfiles).WithMetadata(new BodySizeLimit(FileBodyLimit))
            .Accepts<IFormFile>("multipart/form-data", ResidentFiles.CsvMediaType, ResidentFiles.XlsxMediaType);
        residents.MapGet("", ListAsync).RequirePermission(Permission.ReadProfiles);
        residents.MapGet("/segments", SegmentsAsync).RequirePermission(Permission.ReadProfiles);
        residents.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadProfiles);
        residents.MapPut("/{id:guid}", PutAsync).RequirePermission(Permission.ManageProfiles);
        residents.MapDelete("/{id:guid}", DeleteAsync).RequirePermission(Permission.ManageProfiles);
        residents.MapPost("/export", ExportAsync).RequirePermission(Permission.ExportProfiles);
        return app;
    }

    /// <summary>A register file (multipart <c>file</c>, or the CSV or xlsx itself as the body); <c>?dryRun=true</c> checks only.</summary>
    private static async Task<Ok<ResidentImportResult>> ImportAsync(HttpRequest request, bool? dryRun, ResidentImport import, CallerAccessor caller,
        CancellationToken ct)
    {
        var (bytes, fileName, _) = await RecordEndpoints.ReadFileAsync(request,
            "Send the register as a file part of the form (e.g. curl -F file=@residents.xlsx).", ct);
        var rows = ResidentFiles.Read(bytes, fileName);
        if (rows.Count > MaxFileRows)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Batch too large",
                string.Create(CultureInfo.InvariantCulture, $"At most {MaxFileRows:N0} rows per file; this one has {rows.Count:N0}. Split it."));
        }

        var access = await caller.GetAsync(ct);
        return TypedResults.Ok(await import.ImportAsync(rows, access, dryRun == true, ct));
    }

    private static async Task<Ok<ResidentPage>> ListAsync(string? region, string? needs, string? language, int? page, int? pageSize,
        ResidentRegister register, CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(page is null or >= 1, "page", "From 1.");
        errors.Check(pageSize is null or (>= 1 and <= ResidentRegister.MaxPageSize), "pageSize", $"From 1 to {ResidentRegister.MaxPageSize}.");
        var wanted = SpecialNeedsWords.Parse(needs, out var unknown);
        errors.Check(unknown.Count == 0, "needs", "Comma-separated, of: " + string.Join(", ", SpecialNeedsWords.Words) + ".");
        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        var filter = new ResidentFilter(string.IsNullOrWhiteSpace(region) ? null : region, wanted,
            string.IsNullOrWhiteSpace(language) ? null : language, page ?? 1, pageSize ?? 50);
        return TypedResults.Ok(await register.ListAsync(filter, access, ct));
    }

    private static async Task<Ok<ResidentSegments>> SegmentsAsync(string? region, ResidentRegister register, CallerAccessor caller, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(region))
        {
            new FieldErrors().Add("region", "Name the region to count.").ThrowIfAny();
        }

        return TypedResults.Ok(await register.SegmentsAsync(region!, await caller.GetAsync(ct), ct));
    }

    private static async Task<Ok<ResidentProfile>> GetAsync(Guid id, ResidentRegister register, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(await register.ReadAsync(id, await caller.GetAsync(ct), ct));

    /// <summary>Replaces the profile (the same rules as an import row); a stale <c>version</c> is 409.</summary>
    private static async Task<Ok<ResidentProfile>> PutAsync(Guid id, ResidentUpdateRequest body, CrisisOpsDbContext db, ResidentRules rules,
        RegionDirectory directory, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var resident = await db.Residents.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resident is null || !ResidentRegister.CanSee(access, resident))
        {
            throw ProblemException.NotFound($"Resident '{id}'");
        }

        if (!access.Can(Permission.ManageProfiles, resident.HomeRegionPath))
        {
            throw ProblemException.Forbidden("Only the register of the resident's home community (or above it) may change the profile.");
        }

        if (body.Version is { } version && version != resident.Version)
        {
            throw Stale();
        }

        var now = clock.GetUtcNow();
        var snapshot = await directory.GetAsync(ct);
        var input = new ResidentInput(resident.Reference, body.Name, body.Community, body.Address,
            body.Latitude?.ToString("R", CultureInfo.InvariantCulture), body.Longitude?.ToString("R", CultureInfo.InvariantCulture), body.WorkCommunity,
            body.Mobile, body.Landline, body.Email, body.PushToken, body.Language, string.Join(";", body.Needs ?? []),
            body.BirthYear?.ToString(CultureInfo.InvariantCulture),
            ResidentRules.TrainingText((body.Trainings ?? []).Select(t => new TrainingRecord(t.Course ?? "", t.CompletedOn))));
        var problems = new List<FieldProblem>();
        var valid = rules.Check(input, code => snapshot.Find(code) is { } r && access.Can(Permission.ManageProfiles, r.Path) ? r : null,
            snapshot.Find, now.Year, problems);
        if (valid is null)
        {
            var errors = new FieldErrors();
            foreach (var p in problems)
            {
                errors.Add(p.Column, p.Message);
            }

            errors.ThrowIfAny();
        }

        if (ResidentRules.Apply(resident, valid!, now))
        {
            // Which fields changed, by name only: the journal never holds the values.
            db.Append(new JournalRecord(now, access.Name, JournalTypes.ResidentUpdated, resident.HomeRegionCode, resident.HomeRegionPath, null,
                new { residentId = resident.Id, version = resident.Version }));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw Stale();
            }
        }

        return TypedResults.Ok(ResidentRegister.Profile(resident));
    }

    private static async Task<NoContent> DeleteAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var resident = await db.Residents.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (resident is null || !ResidentRegister.CanSee(access, resident))
        {
            throw ProblemException.NotFound($"Resident '{id}'");
        }

        if (!access.Can(Permission.ManageProfiles, resident.HomeRegionPath))
        {
            throw ProblemException.Forbidden("Only the register of the resident's home community (or above it) may delete the profile.");
        }

        db.Residents.Remove(resident);
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.ResidentDeleted, resident.HomeRegionCode, resident.HomeRegionPath, null,
            new { residentId = resident.Id }));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary><c>{"region": "…", "reason": "why the data leaves", "format": "csv" | "xlsx"}</c> → the file.</summary>
    private static async Task<FileContentHttpResult> ExportAsync(ExportRequest body, ResidentExport export, CallerAccessor caller, CancellationToken ct)
    {
        var file = await export.ExportAsync(body.Region, body.Reason, body.Format, await caller.GetAsync(ct), ct);
        return TypedResults.File(file.Bytes, file.MediaType, file.FileName);
    }

    private static ProblemException Stale() =>
        new(StatusCodes.Status409Conflict, "stale-version", "Changed meanwhile", "The profile was changed meanwhile; read it again and repeat the edit.");
}
