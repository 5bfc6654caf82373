using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.People;

/// <summary>An exported register: the file, its media type and name, and how many residents it holds.</summary>
public sealed record ResidentExportFile(byte[] Bytes, string MediaType, string FileName, int Count);

/// <summary>
/// Bulk export of a region's register (residents living there), for a stated reason: needs
/// <see cref="Permission.ExportProfiles"/> there, and journals who, where, why and how many — never the data — in the same
/// transaction before the file leaves the server.
/// </summary>
public sealed class ResidentExport(IDbContextFactory<CrisisOpsDbContext> factory, ResidentRegister register, TimeProvider clock)
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 500;

    /// <exception cref="ProblemException">400 validation-failed (reason, format); 404/403 for the region.</exception>
    public async Task<ResidentExportFile> ExportAsync(string? region, string? reason, string? format, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(region), "region", "Name the region to export.");
        var why = reason?.Trim() ?? "";
        errors.Check(why.Length is >= MinReasonLength and <= MaxReasonLength, "reason",
            $"State why the data leaves the system, in {MinReasonLength}–{MaxReasonLength} characters; it is journaled.");
        var kind = (format ?? "csv").Trim().ToLowerInvariant();
        errors.Check(kind is "csv" or "xlsx", "format", "csv or xlsx.");
        errors.ThrowIfAny();
        var scope = await register.RegionAsync(region!, access, Permission.ExportProfiles, ct);

        await using var db = await factory.CreateDbContextAsync(ct);
        var residents = await db.Residents.AsNoTracking().Where(r => r.HomeRegionPath.StartsWith(scope.Path)).OrderBy(r => r.Reference).ToListAsync(ct);
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.ResidentsExported, scope.Code, scope.Path, null,
            new { reason = why, count = residents.Count, format = kind }));
        await db.SaveChangesAsync(ct);
        return kind == "xlsx"
            ? new ResidentExportFile(ResidentFiles.WriteXlsx(residents), ResidentFiles.XlsxMediaType, $"residents-{scope.Code}.xlsx", residents.Count)
            : new ResidentExportFile(ResidentFiles.WriteCsv(residents), ResidentFiles.CsvMediaType + "; charset=utf-8", $"residents-{scope.Code}.csv",
                residents.Count);
    }
}
