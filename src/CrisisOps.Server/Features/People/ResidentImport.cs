using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.People;
using CrisisOps.Server.Features.Regions;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.People;

/// <summary>Why one row was refused: its line (CSV) or sheet row (xlsx), the column and what is wrong.</summary>
public sealed record ResidentRowError(int Row, string? Reference, string Column, string Message);

/// <summary>
/// What an import did (or, with <c>DryRun</c>, would do): rows received, residents created, updated and unchanged, and
/// the rows refused with why.
/// </summary>
public sealed record ResidentImportResult(bool DryRun, int Received, int Created, int Updated, int Unchanged, int Rejected,
    IReadOnlyList<ResidentRowError> Errors);

/// <summary>
/// Imports a community register: checks every row (<see cref="ResidentRules"/>; the community must lie where the caller
/// holds <see cref="Permission.ManageProfiles"/>), refuses a reference seen earlier in the file, then creates or updates the
/// valid rows by reference in one transaction with one journal entry per community (counts only, never personal data).
/// </summary>
public sealed class ResidentImport(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory, ResidentRules rules,
    TimeProvider clock)
{
    public async Task<ResidentImportResult> ImportAsync(IReadOnlyList<ResidentRow> rows, CallerAccess access, bool dryRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        var snapshot = await directory.GetAsync(ct);

        // A region outside the caller's jurisdictions is, to this caller, unknown.
        RegionInfo? Home(string code) => snapshot.Find(code) is { } r && access.Can(Permission.ManageProfiles, r.Path) ? r : null;
        RegionInfo? Any(string code) => snapshot.Find(code);

        var errors = new List<ResidentRowError>();
        var valid = new List<(ResidentRow Row, ValidResident Resident)>();
        var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var problems = new List<FieldProblem>();
            var resident = rules.Check(row.Input, Home, Any, now.Year, problems);
            var reference = row.Input.Reference?.Trim();
            if (reference is { Length: > 0 } && !firstRow.TryAdd(reference, row.Row))
            {
                problems.Add(new FieldProblem("reference", $"reference '{reference}' appears twice in the file (first on row {firstRow[reference]})"));
                resident = null;
            }

            if (resident is null)
            {
                errors.AddRange(problems.Select(p => new ResidentRowError(row.Row, reference, p.Column, p.Message)));
            }
            else
            {
                valid.Add((row, resident));
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var (created, updated, unchanged, foreign) = await StoreAsync(valid, access, dryRun, now, ct);
                errors.AddRange(foreign);
                var rejected = errors.Select(e => e.Row).Distinct().Count();
                return new ResidentImportResult(dryRun, rows.Count, created, updated, unchanged, rejected,
                    [.. errors.OrderBy(e => e.Row)]);
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // A concurrent import created or changed some of the same references first: read them again.
            }
        }
    }

    private async Task<(int Created, int Updated, int Unchanged, List<ResidentRowError> Foreign)> StoreAsync(
        List<(ResidentRow Row, ValidResident Resident)> valid, CallerAccess access, bool dryRun, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var references = valid.Select(v => v.Resident.Reference).ToList();
        var existing = references.Count == 0
            ? []
            : await db.Residents.Where(r => references.Contains(r.Reference)).ToDictionaryAsync(r => r.Reference, StringComparer.Ordinal, ct);
        var foreign = new List<ResidentRowError>();
        var changes = new List<(ValidResident Resident, bool Created)>();
        var unchanged = 0;
        foreach (var (row, resident) in valid)
        {
            if (existing.TryGetValue(resident.Reference, out var known))
            {
                // The reference is another register's person: moving them here is that community's decision, not an import's.
                if (!access.Can(Permission.ManageProfiles, known.HomeRegionPath))
                {
                    foreign.Add(new ResidentRowError(row.Row, resident.Reference, "reference",
                        $"reference '{resident.Reference}' is already registered outside your jurisdiction"));
                    continue;
                }

                if (ResidentRules.Apply(known, resident, now))
                {
                    changes.Add((resident, false));
                }
                else
                {
                    unchanged++;
                }
            }
            else
            {
                db.Residents.Add(ResidentRules.Create(resident, now));
                changes.Add((resident, true));
            }
        }

        // A refused row refuses nothing else: the rows are independent, only a fatal error stops the file.
        if (!dryRun && changes.Count > 0)
        {
            foreach (var community in changes.GroupBy(c => (c.Resident.Home.RegionCode, c.Resident.Home.RegionPath)))
            {
                db.Append(new JournalRecord(now, access.Name, JournalTypes.ResidentsImported, community.Key.RegionCode, community.Key.RegionPath, null,
                    new { created = community.Count(c => c.Created), updated = community.Count(c => !c.Created) }));
            }

            await db.SaveChangesAsync(ct);
        }

        return (changes.Count(c => c.Created), changes.Count(c => !c.Created), unchanged, foreign);
    }
}
