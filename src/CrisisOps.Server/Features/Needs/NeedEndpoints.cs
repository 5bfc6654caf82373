using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Needs;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Needs;

public sealed record NeedDto(Guid Id, string Number, string What, string? ItemCode, decimal Quantity, decimal Remaining, decimal Committed,
    decimal Received, string Unit, bool Discrete, string RegionCode, string? SiteCode, NeedPriority Priority, DateTimeOffset NeededBy,
    NeedPublisherKind PublisherKind, string PublishedBy, DateTimeOffset PublishedAt, Guid? IncidentId, NeedStatus Status,
    DateTimeOffset? ClosedAt, string? CancelReason, bool IsExercise)
{
    public static NeedDto Of(Need n) => new(n.Id, n.Number, n.What, n.ItemCode, n.Quantity, n.Remaining, n.Committed, n.Received, n.Unit,
        n.Discrete, n.RegionCode, n.SiteCode, n.Priority, n.NeededBy, n.PublisherKind, n.PublishedBy, n.PublishedAt, n.IncidentId, n.Status,
        n.ClosedAt, n.CancelReason, n.IsExercise);
}

/// <summary>A claim on the board; an allocation by headquarters (an accepted proposal) names its source, warehouse and order.</summary>
public sealed record ClaimDto(Guid Id, Guid NeedId, string Organisation, decimal Quantity, DateTimeOffset PromisedBy, ClaimStatus Status,
    string ClaimedBy, DateTimeOffset ClaimedAt, DateTimeOffset? DeliveredAt, decimal? ReceivedQuantity, DateTimeOffset? ReceivedAt,
    string? ReceivedBy, DateTimeOffset? EndedAt, string? SourceType, string? Warehouse, Guid? OrderId)
{
    public static ClaimDto Of(NeedClaim c) => new(c.Id, c.NeedId, c.Organisation, c.Quantity, c.PromisedBy, c.Status, c.ClaimedBy, c.ClaimedAt,
        c.DeliveredAt, c.ReceivedQuantity, c.ReceivedAt, c.ReceivedBy, c.EndedAt, c.SourceType, c.Warehouse, c.OrderId);
}

public sealed record NeedList(IReadOnlyList<NeedDto> Items);

public sealed record NeedDetail(NeedDto Need, IReadOnlyList<ClaimDto> Claims);

/// <summary>A claim with the need it is on, for an organisation's own list.</summary>
public sealed record MyClaimDto(ClaimDto Claim, NeedDto Need);

public sealed record MyClaimList(IReadOnlyList<MyClaimDto> Items);

public sealed record ClaimResult(ClaimDto Claim, NeedDto Need);

public sealed record PublishNeedRequest(string? What, string? ItemCode, decimal? Quantity, string? Unit, bool? Discrete, string? RegionCode,
    string? SiteCode, string? Priority, DateTimeOffset? NeededBy, string? PublisherKind, Guid? IncidentId);

public sealed record CancelNeedRequest(string? Reason);

public sealed record ClaimRequest(decimal? Quantity, DateTimeOffset? PromisedBy, string? Organisation);

public sealed record ReceiptRequest(decimal? Quantity);

/// <summary>
/// The needs board API. Staff see the needs under their regions; partner members see the open needs in
/// the area of their grant and their organisation's claims. Publishing and receipts are checked at the
/// need's region, claims against the claiming organisation's area.
/// </summary>
public static class NeedEndpoints
{
    private const int MaxList = 500;

    public static IEndpointRouteBuilder MapNeedEndpoints(this IEndpointRouteBuilder app)
    {
        var needs = app.MapGroup("/api/v1/needs").WithTags("Needs");
        needs.MapGet("", ListAsync).RequirePermission(Permission.ReadNeeds);
        needs.MapPost("", PublishAsync).RequirePermission(Permission.PublishNeeds).Idempotent();
        needs.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadNeeds);
        needs.MapPost("/{id:guid}/cancel", CancelAsync).RequirePermission(Permission.PublishNeeds);
        needs.MapPost("/{id:guid}/claims", ClaimAsync).RequirePermission(Permission.ClaimNeeds).Idempotent();

        var claims = app.MapGroup("/api/v1/claims").WithTags("Needs");
        claims.MapGet("/mine", MineAsync).RequirePermission(Permission.ClaimNeeds);
        claims.MapPost("/{id:guid}/delivered", DeliveredAsync).RequirePermission(Permission.ClaimNeeds);
        claims.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequirePermission(Permission.ClaimNeeds);
        claims.MapPost("/{id:guid}/receipt", ReceiptAsync).RequirePermission(Permission.ConfirmReceipts);
        return app;
    }

    /// <summary>Where the caller sees needs: staff scopes (any status) and partner areas (open needs only).</summary>
    public sealed record BoardScopes(IReadOnlyList<string> Staff, IReadOnlyList<string> Partner)
    {
        public static BoardScopes Of(CallerAccess access)
        {
            ArgumentNullException.ThrowIfNull(access);
            var staff = new CallerAccess(access.UserId, access.Name, [.. access.Grants.Where(g => g.Role != Role.PartnerMember)]);
            var partner = new CallerAccess(access.UserId, access.Name, [.. access.Grants.Where(g => g.Role == Role.PartnerMember)]);
            return new(staff.ScopesFor(Permission.ReadNeeds), partner.ScopesFor(Permission.ReadNeeds));
        }

        public bool Sees(Need need) =>
            Staff.Any(s => Paths.Covers(s, need.RegionPath)) || (need.Status == NeedStatus.Open && Partner.Any(s => Paths.Covers(s, need.RegionPath)));
    }

    /// <summary>The board as the caller may see it, most urgent first; shared by the API and the console.</summary>
    public static async Task<IReadOnlyList<Need>> BoardAsync(CrisisOpsDbContext db, CallerAccess access, NeedStatus? status, string? regionPath,
        Guid? incident, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var scopes = BoardScopes.Of(access);
        IQueryable<Need> Filtered(IQueryable<Need> q)
        {
            if (status is { } s)
            {
                q = q.Where(n => n.Status == s);
            }

            if (regionPath is not null)
            {
                q = q.Where(n => n.RegionPath.StartsWith(regionPath));
            }

            return incident is { } i ? q.Where(n => n.IncidentId == i) : q;
        }

        var staff = await Filtered(db.Needs.AsNoTracking().WhereUnder(n => n.RegionPath, scopes.Staff))
            .OrderBy(n => n.Priority).ThenBy(n => n.NeededBy).Take(MaxList).ToListAsync(ct);
        var partner = scopes.Partner.Count == 0
            ? []
            : await Filtered(db.Needs.AsNoTracking().WhereUnder(n => n.RegionPath, scopes.Partner).Where(n => n.Status == NeedStatus.Open))
                .OrderBy(n => n.Priority).ThenBy(n => n.NeededBy).Take(MaxList).ToListAsync(ct);
        return [.. staff.Concat(partner).DistinctBy(n => n.Id).OrderBy(n => n.Priority).ThenBy(n => n.NeededBy).Take(MaxList)];
    }

    private static async Task<Ok<NeedList>> ListAsync(string? status, string? region, Guid? incident, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, CancellationToken ct)
    {
        var errors = new FieldErrors();
        NeedStatus? wanted = null;
        if (status is not null)
        {
            errors.Check(NeedWords.TryParse(status, out NeedStatus parsed), "status", "One of open, closed, cancelled.");
            wanted = parsed;
        }

        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        string? path = null;
        if (region is not null)
        {
            path = ((await directory.GetAsync(ct)).Find(region) ?? throw ProblemException.NotFound($"Region '{region}'")).Path;
            var scopes = BoardScopes.Of(access);
            if (!scopes.Staff.Concat(scopes.Partner).Any(s => Paths.Covers(s, path) || Paths.Covers(path, s)))
            {
                throw ProblemException.Forbidden($"Region '{region}' is outside the board you may see.");
            }
        }

        var needs = await BoardAsync(db, access, wanted, path, incident, ct);
        return TypedResults.Ok(new NeedList([.. needs.Select(NeedDto.Of)]));
    }

    private static async Task<Created<NeedDto>> PublishAsync(PublishNeedRequest body, NeedBoard board, CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.What), "what", $"Required: what is needed, 1–{Need.MaxWhatLength} characters.");
        errors.Check(body.ItemCode is null || Need.IsValidItemCode(body.ItemCode), "itemCode",
            "2–64 characters: lower-case letters, digits, '-' and '.', e.g. mask-n95.");
        errors.Check(body.Quantity is not null, "quantity", "Required: how much is needed.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Unit), "unit", "Required: the unit, e.g. boxes, litres, people.");
        errors.Check(!string.IsNullOrWhiteSpace(body.RegionCode), "regionCode", "Required: where it is needed.");
        errors.Check(body.NeededBy is not null, "neededBy", "Required: when it is needed by (ISO 8601).");
        var priority = NeedPriority.Normal;
        errors.Check(body.Priority is null || NeedWords.TryParse(body.Priority, out priority), "priority", "One of urgent, high, normal, low.");
        var kind = body.IncidentId is null ? NeedPublisherKind.Community : NeedPublisherKind.Hq;
        errors.Check(body.PublisherKind is null || NeedWords.TryParse(body.PublisherKind, out kind), "publisherKind", "One of hq, community.");
        errors.Check(kind != NeedPublisherKind.Hq || body.IncidentId is not null, "incidentId", "A headquarters publishes for an incident: name it.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);
        var request = new NeedRequest(body.What!, body.ItemCode, body.Quantity!.Value, body.Unit!, body.Discrete ?? false, priority,
            body.NeededBy!.Value, kind, body.IncidentId, string.IsNullOrWhiteSpace(body.SiteCode) ? null : body.SiteCode);
        var need = await board.PublishAsync(new NeedPublication(request, body.RegionCode!), access, ct);
        return TypedResults.Created($"/api/v1/needs/{need.Id}", NeedDto.Of(need));
    }

    private static async Task<Ok<NeedDetail>> GetAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var need = await db.Needs.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, ct) ?? throw ProblemException.NotFound($"Need '{id}'");
        var scopes = BoardScopes.Of(access);
        var own = access.Organisations;
        var claims = await db.NeedClaims.AsNoTracking().Where(c => c.NeedId == id).OrderBy(c => c.ClaimedAt).ToListAsync(ct);
        var isStaff = scopes.Staff.Any(s => Paths.Covers(s, need.RegionPath));
        if (!isStaff && !scopes.Sees(need) && !claims.Any(c => own.Contains(c.Organisation)))
        {
            throw ProblemException.NotFound($"Need '{id}'");
        }

        // Partners see their own claims; the totals tell them how much the others hold.
        var visible = isStaff ? claims : claims.Where(c => own.Contains(c.Organisation));
        return TypedResults.Ok(new NeedDetail(NeedDto.Of(need), [.. visible.Select(ClaimDto.Of)]));
    }

    private static async Task<Ok<NeedDto>> CancelAsync(Guid id, CancelNeedRequest body, NeedBoard board, CallerAccessor caller, CancellationToken ct)
    {
        var need = await board.CancelAsync(id, body.Reason, await caller.GetAsync(ct), ct);
        return TypedResults.Ok(NeedDto.Of(need));
    }

    private static async Task<Created<ClaimResult>> ClaimAsync(Guid id, ClaimRequest body, NeedBoard board, CallerAccessor caller,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Quantity is not null, "quantity", "Required: how much your organisation will deliver.");
        errors.Check(body.PromisedBy is not null, "promisedBy", "Required: when you will deliver it by (ISO 8601).");
        errors.Check(body.Organisation is null || Organisation.IsValidCode(body.Organisation), "organisation", "An organisation code.");
        errors.ThrowIfAny();
        var (need, claim) = await board.ClaimAsync(id, body.Quantity!.Value, body.PromisedBy!.Value, body.Organisation, await caller.GetAsync(ct), ct);
        return TypedResults.Created($"/api/v1/needs/{need.Id}", new ClaimResult(ClaimDto.Of(claim), NeedDto.Of(need)));
    }

    private static async Task<Ok<MyClaimList>> MineAsync(string? status, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var own = access.Organisations.ToList();
        var query = db.NeedClaims.AsNoTracking().Where(c => own.Contains(c.Organisation));
        if (status is not null)
        {
            if (!NeedWords.TryParse(status, out ClaimStatus wanted))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
                {
                    ["status"] = ["One of active, delivered, received, withdrawn, expired, released."],
                });
            }

            query = query.Where(c => c.Status == wanted);
        }

        var rows = await (from c in query
                          join n in db.Needs.AsNoTracking() on c.NeedId equals n.Id
                          orderby c.ClaimedAt descending
                          select new { c, n }).Take(MaxList).ToListAsync(ct);
        return TypedResults.Ok(new MyClaimList([.. rows.Select(r => new MyClaimDto(ClaimDto.Of(r.c), NeedDto.Of(r.n)))]));
    }

    private static async Task<Ok<ClaimResult>> DeliveredAsync(Guid id, NeedBoard board, CallerAccessor caller, CancellationToken ct)
    {
        var (need, claim) = await board.DeliverAsync(id, await caller.GetAsync(ct), ct);
        return TypedResults.Ok(new ClaimResult(ClaimDto.Of(claim), NeedDto.Of(need)));
    }

    private static async Task<Ok<ClaimResult>> WithdrawAsync(Guid id, NeedBoard board, CallerAccessor caller, CancellationToken ct)
    {
        var (need, claim) = await board.WithdrawAsync(id, await caller.GetAsync(ct), ct);
        return TypedResults.Ok(new ClaimResult(ClaimDto.Of(claim), NeedDto.Of(need)));
    }

    private static async Task<Ok<ClaimResult>> ReceiptAsync(Guid id, ReceiptRequest body, NeedBoard board, CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Quantity is not null, "quantity", "Required: the quantity that arrived (0 when nothing did).");
        errors.ThrowIfAny();
        var (need, claim) = await board.ConfirmReceiptAsync(id, body.Quantity!.Value, await caller.GetAsync(ct), ct);
        return TypedResults.Ok(new ClaimResult(ClaimDto.Of(claim), NeedDto.Of(need)));
    }
}

/// <summary>The API's words for the board's states, as the JSON writes them (kebab-case).</summary>
public static class NeedWords
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
