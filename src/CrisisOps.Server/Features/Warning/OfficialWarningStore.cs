using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>What became of one CAP document: rejected (with the verdict), stored anew, or already stored.</summary>
public sealed record WarningStoreResult(CapVerdict Verdict, OfficialWarning? Warning, bool Created, IReadOnlyList<string> Notes,
    IReadOnlyList<OfficialWarning> Ended)
{
    public static WarningStoreResult Rejected(CapVerdict verdict) => new(verdict, null, false, verdict.Reasons, []);
}

/// <summary>
/// Stores official warnings, whether uploaded or polled from a feed: reads the CAP document
/// (<see cref="CapReader"/>), maps its areas to our regions, stores a valid alert once (by sender,
/// identifier and sent), lets an Update supersede and a Cancel end the alerts it references, journals
/// all of it and queues the regions concerned for assessment in the same transaction
/// (<see cref="RiskQueue"/>), and answers once the tiers reflect it.
/// </summary>
/// <remarks>
/// Who may store: a caller holding <see cref="Permission.ImportWarnings"/> at a region covering at
/// least one region the alert covers — a meteorological alert usually spans more than one district,
/// and the duty officer of one of them must be able to bring it in. An alert covering none of our
/// regions is stored and reported ("no region of ours") so nothing is dropped silently; it never
/// feeds the risk map. Feeds are configured by the operator and store as <c>system</c>.
/// </remarks>
public sealed class OfficialWarningStore(IDbContextFactory<CrisisOpsDbContext> factory, CapAreaMapper mapper, RiskQueue queue,
    TimeProvider clock)
{
    public const string UploadSource = "upload";

    /// <summary>Longest sender or identifier stored (CAP sets no limit; real ones are URNs well under this).</summary>
    public const int MaxKeyLength = 500;
    public const string NoRegionNote = "no region of ours: the alert's areas cover none of our regions; it is kept but feeds no tier.";

    /// <param name="caller">The uploading user, or null for a configured feed.</param>
    /// <exception cref="ProblemException">403 when the caller may not import warnings for any region the alert (or an alert it ends) covers.</exception>
    public async Task<WarningStoreResult> StoreAsync(byte[] document, string source, CallerAccess? caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var verdict = CapReader.Read(document);
        if (!verdict.Accepted)
        {
            return WarningStoreResult.Rejected(verdict);
        }

        if (verdict.Alert.Sender.Length > MaxKeyLength || verdict.Alert.Identifier.Length > MaxKeyLength)
        {
            return WarningStoreResult.Rejected(CapVerdict.Rejected(CapVerdictKind.SemanticallyInvalid,
                $"sender and identifier may have at most {MaxKeyLength} characters each to be stored."));
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await StoreOnceAsync(verdict, document, source, caller, ct);
                if (result.Created && (result.Warning!.FeedsRisk || result.Ended.Any(w => w.FeedsRisk)))
                {
                    await queue.WaitForAssessmentAsync(ct);
                }

                return result;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // The same alert arrived by another path (feed and upload) at the same moment: read again; it is now a duplicate.
            }
        }
    }

    private async Task<WarningStoreResult> StoreOnceAsync(CapVerdict verdict, byte[] document, string source, CallerAccess? caller, CancellationToken ct)
    {
        var alert = verdict.Alert!;
        var now = clock.GetUtcNow();
        var notes = new List<string>(verdict.Warnings);
        var map = await mapper.GetAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);

        var sent = alert.Sent.ToUniversalTime();
        var existing = await db.OfficialWarnings.Include(w => w.Regions)
            .SingleOrDefaultAsync(w => w.Sender == alert.Sender && w.Identifier == alert.Identifier && w.Sent == sent, ct);
        if (existing is not null)
        {
            RequireCovering(caller, existing.Regions.Select(r => r.RegionPath).ToList(), existing.Identifier);
            return new WarningStoreResult(verdict, existing, false, [.. notes, "already stored: the same sender, identifier and sent time."], []);
        }

        var referenced = await ReferencedAsync(db, alert.References, ct);
        var covered = map.Cover(alert).Select(r => new RecordRegion(r.Code, r.Path)).ToList();
        if (covered.Count == 0 && alert.MsgType is CapMessageType.Update or CapMessageType.Cancel)
        {
            // A cancel (often without any info block) covers what the alerts it cancels covered.
            covered = [.. referenced.Values.SelectMany(w => w.Regions).Select(r => new RecordRegion(r.RegionCode, r.RegionPath)).DistinctBy(r => r.Code)];
        }

        RequireCovering(caller, [.. covered.Select(r => r.Path)], alert.Identifier);
        foreach (var earlier in referenced.Values)
        {
            RequireCovering(caller, [.. earlier.Regions.Select(r => r.RegionPath)], earlier.Identifier);
        }

        if (covered.Count == 0)
        {
            notes.Add(NoRegionNote);
        }

        var home = map.Home([.. covered.Select(c => map.Region(c.Code)).OfType<RegionInfo>()]);
        var actor = caller?.Name ?? "system";
        var warning = new OfficialWarning(Guid.CreateVersion7(now), alert, document, source, covered,
            home is null ? null : new RecordRegion(home.Code, home.Path), now, actor);
        db.OfficialWarnings.Add(warning);

        var ended = new List<OfficialWarning>();
        foreach (var reference in alert.References)
        {
            var key = OfficialWarning.Key(reference.Sender, reference.Identifier, reference.Sent);
            if (!referenced.TryGetValue(key, out var earlier))
            {
                notes.Add($"references an alert not stored here: {reference.Sender},{reference.Identifier},{reference.Sent:O}.");
                continue;
            }

            if (alert.MsgType is not (CapMessageType.Update or CapMessageType.Cancel))
            {
                continue;
            }

            if (earlier.EndBy(warning, now))
            {
                ended.Add(earlier);
                Journal(db, earlier, actor, now, warning);
            }
            else
            {
                notes.Add($"{earlier.Identifier} was already {earlier.State.ToString().ToLowerInvariant()}; left as it is.");
            }
        }

        // An update or cancel may arrive before the alert it names (feeds deliver out of order): the alert then starts ended.
        var ownKey = warning.Key();
        var laterEnders = await db.OfficialWarnings.Where(w => w.References.Contains(ownKey)
                && (w.MsgType == CapMessageType.Update || w.MsgType == CapMessageType.Cancel))
            .OrderBy(w => w.Sent).ToListAsync(ct);
        db.Append(new JournalRecord(now, actor, JournalTypes.OfficialWarningReceived, warning.RegionCode, warning.RegionPath, null,
            new
            {
                id = warning.Id,
                warning.Sender,
                warning.Identifier,
                warning.Sent,
                warning.Status,
                warning.MsgType,
                @event = warning.Event,
                warning.Severity,
                warning.ValidUntil,
                source,
                regions = covered.Count,
                feedsRisk = warning.FeedsRisk,
                notes,
            },
            warning.IsExercise));
        if (laterEnders.FirstOrDefault() is { } ender && warning.EndBy(ender, now))
        {
            notes.Add($"already {warning.State.ToString().ToLowerInvariant()} by {ender.Identifier}, which arrived first.");
            Journal(db, warning, actor, now, ender);
        }

        // The regions of every alert that begins or ends here and feeds the map: their tiers may move.
        var assess = ended.Append(warning).Where(w => w.FeedsRisk).SelectMany(w => w.Regions).Select(r => r.RegionCode);
        await RiskQueue.SaveAndMarkAsync(db, assess, now, ct);
        return new WarningStoreResult(verdict, warning, true, notes, ended);
    }

    /// <summary>The stored alerts named by the references, by their CAP key.</summary>
    private static async Task<Dictionary<string, OfficialWarning>> ReferencedAsync(CrisisOpsDbContext db, IReadOnlyList<CapReference> references,
        CancellationToken ct)
    {
        if (references.Count == 0)
        {
            return new Dictionary<string, OfficialWarning>(StringComparer.Ordinal);
        }

        var identifiers = references.Select(r => r.Identifier).Distinct(StringComparer.Ordinal).ToList();
        var candidates = await db.OfficialWarnings.Include(w => w.Regions).Where(w => identifiers.Contains(w.Identifier)).ToListAsync(ct);
        var keys = references.Select(r => OfficialWarning.Key(r.Sender, r.Identifier, r.Sent)).ToHashSet(StringComparer.Ordinal);
        return candidates.Where(w => keys.Contains(w.Key())).ToDictionary(w => w.Key(), StringComparer.Ordinal);
    }

    private static void Journal(CrisisOpsDbContext db, OfficialWarning ended, string actor, DateTimeOffset now, OfficialWarning by) =>
        db.Append(new JournalRecord(now, actor,
            ended.State == OfficialWarningState.Cancelled ? JournalTypes.OfficialWarningCancelled : JournalTypes.OfficialWarningSuperseded,
            ended.RegionCode, ended.RegionPath, null,
            new { id = ended.Id, ended.Sender, ended.Identifier, ended.Sent, by = by.Id, byIdentifier = by.Identifier, state = ended.State },
            ended.IsExercise));

    /// <exception cref="ProblemException">403 outside-jurisdiction.</exception>
    private static void RequireCovering(CallerAccess? caller, IReadOnlyList<string> paths, string identifier)
    {
        if (caller is null || paths.Count == 0 || paths.Any(p => caller.Can(Permission.ImportWarnings, p)))
        {
            return;
        }

        throw ProblemException.Forbidden(
            $"Alert '{identifier}' covers none of the regions where your roles allow '{Permission.ImportWarnings}'.");
    }
}
