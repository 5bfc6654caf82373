using System.Globalization;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Alerts;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Alerts;

public sealed record AlertInfoRequest(string? Language, string? Category, string? Event, string? Urgency, string? Severity, string? Certainty,
    string? Headline, string? Description, string? Instruction, DateTimeOffset? Expires);

/// <summary>
/// A new alert. <see cref="References"/> name earlier released alerts (by id or CAP identifier) for an Update or Cancel.
/// Urgency, severity and certainty default from the tier (<see cref="AlertTiers"/>); category from the hazard.
/// </summary>
public sealed record ComposeAlertRequest(string? Status, string? MsgType, string? Scope, string? Restriction, string? Tier, string? Hazard,
    IReadOnlyList<string>? Regions, IReadOnlyList<AlertInfoRequest>? Infos, IReadOnlyList<string>? References);

public sealed record FromTierRequest(string? RegionCode, string? Hazard, string? Status);

public sealed record WithdrawAlertRequest(string? Reason);

/// <summary>
/// Composing, submitting, approving and withdrawing alerts, for the API and the console alike. Authorisation is
/// role at region: composing needs ComposeAlerts at every region of the alert, approving ApproveAlerts at every
/// region (a county approver cannot release an alert that also covers the next county). The final approval
/// releases the alert: the CAP document is made (and signed) and delivery is enqueued in the same unit of work.
/// </summary>
public sealed class AlertDesk(CrisisOpsDbContext db, RegionDirectory directory, TimeProvider clock, AlertSettings settings,
    IEnumerable<IAlertFanOut> fanOuts)
{
    public const int MaxList = 500;

    /// <exception cref="ProblemException">400 invalid fields; 422 unknown region or reference; 403 outside the composer's jurisdiction.</exception>
    public async Task<Alert> ComposeAsync(CallerAccess access, ComposeAlertRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(body);
        var errors = new FieldErrors();
        var status = CapStatus.Actual;
        var msgType = CapMessageType.Alert;
        var scope = CapScope.Public;
        var tier = WarningTier.None;
        errors.Check(body.Status is null || ApiWords.TryParse(body.Status, out status), "status", "One of: " + ApiWords.List<CapStatus>() + ".");
        errors.Check(body.MsgType is null || (ApiWords.TryParse(body.MsgType, out msgType) && msgType is CapMessageType.Alert or CapMessageType.Update or CapMessageType.Cancel),
            "msgType", "One of: alert, update, cancel.");
        errors.Check(body.Scope is null || ApiWords.TryParse(body.Scope, out scope), "scope", "One of: " + ApiWords.List<CapScope>() + ".");
        errors.Check(body.Tier is not null && ApiWords.TryParse(body.Tier, out tier), "tier", "Required, one of: " + ApiWords.List<WarningTier>() + ".");
        errors.Check((body.Restriction?.Length ?? 0) <= Alert.MaxRestrictionLength, "restriction", $"At most {Alert.MaxRestrictionLength} characters.");
        errors.Check(scope == CapScope.Public || !string.IsNullOrWhiteSpace(body.Restriction), "restriction",
            "A restricted or private alert says who may see it.");
        errors.Check(body.Hazard is null || (body.Hazard.Length <= Alert.MaxHazardLength && body.Hazard.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')),
            "hazard", $"A hazard word (letters, digits, '-'), at most {Alert.MaxHazardLength} characters.");
        errors.Check(body.Regions is { Count: > 0 }, "regions", "Required: the regions the alert covers (an alert without area reaches nobody).");
        errors.Check((body.Regions?.Count ?? 0) <= Alert.MaxRegions, "regions", $"At most {Alert.MaxRegions} regions; name a larger region instead.");
        errors.Check(body.Regions is null || body.Regions.Distinct(StringComparer.Ordinal).Count() == body.Regions.Count, "regions", "Each region once.");
        errors.Check(body.Infos is { Count: > 0 }, "infos", "Required: at least one info block (zh-CN and/or en).");
        errors.Check((body.Infos?.Count ?? 0) <= Alert.Languages.Count, "infos", "One info block per language (zh-CN, en).");
        errors.Check((body.References?.Count ?? 0) <= 20, "references", "At most 20 references.");
        var infos = new List<AlertInfo>();
        for (var i = 0; i < (body.Infos?.Count ?? 0) && i < Alert.Languages.Count; i++)
        {
            if (ReadInfo(body.Infos![i], $"infos[{i}]", tier, body.Hazard, errors) is { } info)
            {
                infos.Add(info);
            }
        }

        errors.Check(infos.Select(i => i.Language).Distinct(StringComparer.Ordinal).Count() == infos.Count, "infos", "One info block per language.");
        errors.Check(msgType == CapMessageType.Alert ? (body.References?.Count ?? 0) == 0 : (body.References?.Count ?? 0) > 0, "references",
            msgType == CapMessageType.Alert ? "A new alert refers to no earlier one; use msgType update or cancel." : "An update or cancel names the earlier alerts.");
        errors.ThrowIfAny();

        var regions = new List<AlertRegion>();
        foreach (var code in body.Regions!)
        {
            var region = await directory.NamedAsync(code, ct);
            if (!access.Can(Permission.ComposeAlerts, region.Path))
            {
                throw ProblemException.Forbidden($"Your roles do not allow '{Permission.ComposeAlerts}' in region '{region.Code}'.");
            }

            regions.Add(new AlertRegion(region.Code, region.Path, region.NameZh, region.NameEn));
        }

        var references = new List<CapReference>();
        foreach (var reference in body.References ?? [])
        {
            var earlier = await FindAsync(reference, ct);
            if (earlier?.AsReference is not { } triple || earlier.Stage != AlertStage.Released)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-referenced-alert", "Unknown earlier alert",
                    $"'{reference}' names no released alert; an update or cancel refers to alerts that went out.");
            }

            if (!earlier.Regions.All(r => access.Can(Permission.ComposeAlerts, r.Path)))
            {
                throw ProblemException.Forbidden($"Alert '{earlier.Identifier}' covers regions outside your jurisdiction.");
            }

            references.Add(triple);
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var identifier = string.Create(CultureInfo.InvariantCulture,
            $"{settings.IdentifierPrefix}-{regions[0].Code}-{now:yyyyMMddHHmmss}-{id.ToString("N")[^8..]}");
        Alert alert;
        try
        {
            alert = new Alert(id, identifier, settings.Sender,
                new AlertDraft(status, msgType, scope, scope == CapScope.Public ? null : body.Restriction, tier, body.Hazard, regions, infos, references),
                access.Name, now);
        }
        catch (DomainException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, ex.Code, "The alert is incomplete.", ex.Message);
        }

        db.Alerts.Add(alert);
        Journal(alert, access.Name, JournalTypes.AlertComposed, now, new { msgType = alert.MsgType, status = alert.Status, references = references.Count });
        await db.SaveChangesAsync(ct);
        return alert;
    }

    /// <summary>A draft prefilled from the region's tier in force (the worst hazard, or <paramref name="body"/>'s hazard) and its explanation.</summary>
    /// <exception cref="ProblemException">404 unknown region; 403 outside the jurisdiction; 422 no-tier when the region has no tier to announce.</exception>
    public async Task<Alert> FromTierAsync(CallerAccess access, FromTierRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(body);
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.RegionCode), "regionCode", "Required.");
        errors.ThrowIfAny();
        var region = await directory.NamedAsync(body.RegionCode, ct);
        if (!access.Can(Permission.ComposeAlerts, region.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.ComposeAlerts}' in region '{region.Code}'.");
        }

        var risks = db.RegionRisks.AsNoTracking().Where(r => r.RegionCode == region.Code);
        if (body.Hazard is not null)
        {
            risks = risks.Where(r => r.Hazard == body.Hazard);
        }

        var risk = (await risks.ToListAsync(ct)).OrderByDescending(r => r.Tier).FirstOrDefault();
        if (risk is null || risk.Tier == WarningTier.None)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "no-tier", "No tier to announce",
                $"Region '{region.Code}' has no warning tier in force{(body.Hazard is null ? "" : $" for '{body.Hazard}'")}.");
        }

        var because = Explanations(risk.Explanation);
        var meaning = AlertTiers.Meaning(risk.Tier);
        AlertInfoRequest Info(string language)
        {
            var zh = language == "zh-CN";
            var hazard = HazardName(risk.Hazard, zh);
            var place = zh ? region.NameZh : region.NameEn;
            var tierName = AlertTiers.Name(risk.Tier, language);
            var headline = zh ? $"{place}{hazard}{tierName}" : $"{tierName}: {hazard}, {place}";
            var description = zh
                ? $"{place}{hazard}风险已达{tierName}。" + (because.Count > 0 ? "依据：" + string.Join("；", because) : "")
                : $"The {hazard} risk in {place} has reached the {tierName} tier." + (because.Count > 0 ? " Because: " + string.Join("; ", because) : "");
            var instruction = zh
                ? "请留意官方信息，远离危险区域，必要时听从指挥转移。"
                : "Follow official information, keep away from the danger area and evacuate when told to.";
            return new AlertInfoRequest(language, null, hazard, Word(meaning.Urgency), Word(meaning.Severity), Word(meaning.Certainty),
                Clip(headline, Alert.MaxHeadlineLength), Clip(description, Alert.MaxDescriptionLength), instruction, null);
        }

        return await ComposeAsync(access, new ComposeAlertRequest(body.Status, "alert", "public", null, Word(risk.Tier), risk.Hazard, [region.Code],
            [Info("zh-CN"), Info("en")], null), ct);
    }

    /// <exception cref="ProblemException">404; 403 outside the jurisdiction; 409 not a draft.</exception>
    public async Task<Alert> SubmitAsync(CallerAccess access, Guid id, CancellationToken ct)
    {
        var alert = await LoadAsync(access, id, Permission.ComposeAlerts, ct);
        var now = clock.GetUtcNow();
        alert.Submit(settings.ApprovalsRequired(alert.Tier), now);
        Journal(alert, access.Name, JournalTypes.AlertSubmitted, now, new { approvalsRequired = alert.ApprovalsRequired });
        await db.SaveChangesAsync(ct);
        return alert;
    }

    /// <summary>Approves; the last approval needed releases the alert and hands it to delivery in the same transaction.</summary>
    /// <exception cref="ProblemException">404; 403 when the approver's ApproveAlerts does not cover every region; 409 own alert, twice, or not submitted.</exception>
    public async Task<Alert> ApproveAsync(CallerAccess access, Guid id, CancellationToken ct)
    {
        var alert = await LoadAsync(access, id, Permission.ApproveAlerts, ct);
        var now = clock.GetUtcNow();
        var released = alert.Approve(access.Name, now);
        Journal(alert, access.Name, JournalTypes.AlertApproved, now, new { approvals = alert.Approvals.Count, required = alert.ApprovalsRequired });
        if (released)
        {
            alert.Publish(await CapDocumentAsync(alert, ct));
            Journal(alert, access.Name, JournalTypes.AlertReleased, now, new
            {
                identifier = alert.Identifier,
                msgType = alert.MsgType,
                status = alert.Status,
                tier = alert.Tier,
                regions = alert.Regions.Select(r => r.Code).ToArray(),
                signed = settings.SigningCertificate is not null,
            });
            var delivery = ToDeliver(alert);
            foreach (var fanOut in fanOuts)
            {
                fanOut.Enqueue(db, delivery, now);
            }
        }

        await db.SaveChangesAsync(ct);
        if (released)
        {
            foreach (var fanOut in fanOuts)
            {
                fanOut.Wake();
            }
        }

        return alert;
    }

    /// <exception cref="ProblemException">404; 403; 409 released or already withdrawn; 400 reason too long.</exception>
    public async Task<Alert> WithdrawAsync(CallerAccess access, Guid id, string? reason, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check((reason?.Length ?? 0) <= Alert.MaxReasonLength, "reason", $"At most {Alert.MaxReasonLength} characters.");
        errors.ThrowIfAny();
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw ProblemException.NotFound($"Alert '{id}'");
        RequireEverywhere(access, alert, Permission.ComposeAlerts, Permission.ApproveAlerts);
        var now = clock.GetUtcNow();
        alert.Withdraw(access.Name, reason, now);
        Journal(alert, access.Name, JournalTypes.AlertWithdrawn, now, new { hadApprovals = alert.Approvals.Count, reason = reason is not null });
        await db.SaveChangesAsync(ct);
        return alert;
    }

    /// <summary>The alerts the caller may read (ReadAlerts over any of their regions), newest first.</summary>
    public async Task<IReadOnlyList<Alert>> ListAsync(CallerAccess access, AlertStage? stage, string? underPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var visible = db.AlertRegions.AsNoTracking().WhereUnder(r => r.Path, access.ScopesFor(Permission.ReadAlerts));
        if (underPath is not null)
        {
            visible = visible.Where(r => r.Path.StartsWith(underPath));
        }

        var ids = visible.Select(r => r.AlertId);
        var query = db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id));
        if (stage is { } s)
        {
            query = query.Where(a => a.Stage == s);
        }

        return await query.OrderByDescending(a => a.ComposedAt).Take(MaxList).ToListAsync(ct);
    }

    /// <summary>One alert, when the caller may read it.</summary>
    /// <exception cref="ProblemException">404 when there is none or the caller may not read it (no hint that it exists).</exception>
    public async Task<Alert> GetAsync(CallerAccess access, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        return alert is not null && alert.Regions.Any(r => access.Can(Permission.ReadAlerts, r.Path))
            ? alert
            : throw ProblemException.NotFound($"Alert '{id}'");
    }

    /// <summary>The CAP document: as published for a released alert, else a preview sent "now" (unsigned).</summary>
    public async Task<string> CapAsync(Alert alert, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.CapXml ?? CapWriter.Write(AlertCap.ToCap(alert, Second(clock.GetUtcNow()), await BoundariesAsync(alert, ct)));
    }

    /// <summary>What delivery needs of a released alert (the contract of <see cref="IAlertFanOut"/>).</summary>
    public static AlertToDeliver ToDeliver(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new AlertToDeliver(alert.Id, alert.Identifier, alert.Tier, [.. alert.Regions.Select(r => r.Code)], [], alert.IsExercise,
            [.. alert.Infos.Select(i => new AlertMessage(i.Language, i.Headline, i.Description, i.Instruction))]);
    }

    private async Task<string> CapDocumentAsync(Alert alert, CancellationToken ct)
    {
        var xml = CapWriter.Write(AlertCap.ToCap(alert, alert.Sent!.Value, await BoundariesAsync(alert, ct)));
        return settings.SigningCertificate is { } certificate ? CapSigner.Sign(xml, certificate) : xml;
    }

    private async Task<IReadOnlyList<string>> BoundariesAsync(Alert alert, CancellationToken ct)
    {
        var codes = alert.Regions.Select(r => r.Code).ToList();
        return await db.Regions.AsNoTracking().Where(r => codes.Contains(r.Code) && r.BoundaryGeoJson != null)
            .Select(r => r.BoundaryGeoJson!).ToListAsync(ct);
    }

    private async Task<Alert?> FindAsync(string reference, CancellationToken ct) =>
        Guid.TryParse(reference, out var id)
            ? await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
            : await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Sender == settings.Sender && a.Identifier == reference, ct);

    private async Task<Alert> LoadAsync(CallerAccess access, Guid id, Permission permission, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw ProblemException.NotFound($"Alert '{id}'");
        RequireEverywhere(access, alert, permission);
        return alert;
    }

    private static void RequireEverywhere(CallerAccess access, Alert alert, params Permission[] anyOf)
    {
        if (!alert.Regions.Any(r => access.Can(Permission.ReadAlerts, r.Path)))
        {
            throw ProblemException.NotFound($"Alert '{alert.Id}'");
        }

        var outside = alert.Regions.FirstOrDefault(r => !anyOf.Any(p => access.Can(p, r.Path)));
        if (outside is not null)
        {
            throw ProblemException.Forbidden(
                $"Your roles do not allow '{string.Join("' or '", anyOf)}' in region '{outside.Code}', which this alert covers.");
        }
    }

    /// <summary>Journal entries go to the deepest region covering the whole alert, so every reader of the area sees them. No personal data.</summary>
    private void Journal(Alert alert, string actor, string type, DateTimeOffset now, object payload)
    {
        var paths = alert.Regions.Select(r => Paths.Codes(r.Path)).ToList();
        var common = paths[0].TakeWhile((code, i) => paths.All(p => p.Count > i && string.Equals(p[i], code, StringComparison.Ordinal))).ToList();
        var code = common.Count > 0 ? common[^1] : null;
        var path = common.Count > 0 ? Paths.Of(common) : null;
        db.Append(new JournalRecord(now, actor, type, code, path, null,
            new { alertId = alert.Id, identifier = alert.Identifier, stage = alert.Stage, tier = alert.Tier, details = payload }, alert.IsExercise));
    }

    private AlertInfo? ReadInfo(AlertInfoRequest? info, string at, WarningTier tier, string? hazard, FieldErrors errors)
    {
        if (info is null)
        {
            errors.Add(at, "Required.");
            return null;
        }

        var meaning = AlertTiers.Meaning(tier);
        var category = AlertTiers.Category(hazard);
        var urgency = meaning.Urgency;
        var severity = meaning.Severity;
        var certainty = meaning.Certainty;
        var ok = errors.Check(info.Language is not null && Alert.Languages.Contains(info.Language, StringComparer.Ordinal), at + ".language",
            "One of: " + string.Join(", ", Alert.Languages) + ".");
        ok &= errors.Check(info.Category is null || ApiWords.TryParse(info.Category, out category), at + ".category", "One of: " + ApiWords.List<CapCategory>() + ".");
        ok &= errors.Check(info.Urgency is null || ApiWords.TryParse(info.Urgency, out urgency), at + ".urgency", "One of: " + ApiWords.List<CapUrgency>() + ".");
        ok &= errors.Check(info.Severity is null || ApiWords.TryParse(info.Severity, out severity), at + ".severity", "One of: " + ApiWords.List<CapSeverity>() + ".");
        ok &= errors.Check(info.Certainty is null || ApiWords.TryParse(info.Certainty, out certainty), at + ".certainty", "One of: " + ApiWords.List<CapCertainty>() + ".");
        ok &= Text(info.Event, at + ".event", Alert.MaxEventLength, true, errors);
        ok &= Text(info.Headline, at + ".headline", Alert.MaxHeadlineLength, true, errors);
        ok &= Text(info.Description, at + ".description", Alert.MaxDescriptionLength, true, errors);
        ok &= Text(info.Instruction, at + ".instruction", Alert.MaxInstructionLength, false, errors);
        ok &= errors.Check(info.Expires is null || info.Expires > clock.GetUtcNow(), at + ".expires", "Must lie in the future.");
        return ok
            ? new AlertInfo(info.Language!, category, info.Event!.Trim(), urgency, severity, certainty, info.Headline!.Trim(), info.Description!.Trim(),
                string.IsNullOrWhiteSpace(info.Instruction) ? null : info.Instruction.Trim(), info.Expires is { } e ? Second(e) : null)
            : null;
    }

    private static bool Text(string? value, string field, int max, bool required, FieldErrors errors)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required.");
            return false;
        }

        // XML 1.0 cannot carry most control characters; refusing them here keeps every CAP document well-formed.
        return errors.Check((value?.Length ?? 0) <= max, field, $"At most {max} characters.")
            & errors.Check(value is null || IsWellPaired(value), field, "Contains control characters or a broken character.");
    }

    private static bool IsWellPaired(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) && value[i] is not ('\n' or '\r' or '\t'))
            {
                return false;
            }

            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset Second(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Word<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static IReadOnlyList<string> Explanations(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind != JsonValueKind.Array
                ? []
                : [.. doc.RootElement.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("explanation", out var x) ? x.GetString() : null)
                    .OfType<string>().Take(5)];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string HazardName(string hazard, bool zh) => (hazard, zh) switch
    {
        ("flood", true) => "洪涝",
        ("rainstorm", true) => "暴雨",
        ("typhoon", true) => "台风",
        ("heat", true) => "高温",
        ("landslide", true) => "地质灾害",
        ("fire", true) => "火灾",
        ("epidemic", true) => "疫情",
        (_, true) => hazard,
        _ => hazard,
    };
}
