using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

public sealed record AgreementLineRequest(string? Item, decimal? Quantity, string? Service);

public sealed record AgreementRequest(string? Organisation, string? Title, IReadOnlyList<AgreementLineRequest>? Lines, int? ActivationLeadMinutes,
    string? Contacts, DateOnly? ValidFrom, DateOnly? ValidTo, string? RegionCode);

public sealed record AgreementLineDto(int Number, string? ItemCode, decimal? Committed, decimal Drawn, decimal? Remaining, string? Service);

public sealed record AgreementDto(Guid Id, string Organisation, string Title, IReadOnlyList<AgreementLineDto> Lines, int ActivationLeadMinutes,
    string? Contacts, DateOnly ValidFrom, DateOnly ValidTo, bool ValidToday, string RegionCode, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record AgreementList(IReadOnlyList<AgreementDto> Items);

/// <summary>
/// Emergency cooperation agreements (应急协作协议) with partner organisations: recorded with
/// <see cref="Permission.ManageAgreements"/> at the agreement's region, read with <see cref="Permission.ReadResources"/>.
/// Activation (an order to the partner, drawing on the lines) is the command side's.
/// </summary>
public static class AgreementEndpoints
{
    public static IEndpointRouteBuilder MapAgreementEndpoints(this IEndpointRouteBuilder app)
    {
        var agreements = app.MapGroup("/api/v1/agreements").WithTags("Resources");
        agreements.MapGet("", ListAsync).RequirePermission(Permission.ReadResources);
        agreements.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadResources);
        agreements.MapPost("", CreateAsync).RequirePermission(Permission.ManageAgreements).Idempotent();
        return app;
    }

    private static async Task<Ok<AgreementList>> ListAsync(string? organisation, string? item, CrisisOpsDbContext db, CallerAccessor caller,
        TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.PartnerAgreements.AsNoTracking().Include(a => a.Lines)
            .WhereUnder(a => a.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(organisation))
        {
            query = query.Where(a => a.OrganisationCode == organisation);
        }

        if (!string.IsNullOrEmpty(item))
        {
            query = query.Where(a => a.Lines.Any(l => l.ItemCode == item));
        }

        var today = StockKeeper.Today(clock.GetUtcNow());
        var list = await query.OrderBy(a => a.OrganisationCode).ThenBy(a => a.ValidFrom).Take(500).ToListAsync(ct);
        return TypedResults.Ok(new AgreementList([.. list.Select(a => ToDto(a, today))]));
    }

    private static async Task<Ok<AgreementDto>> GetAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var agreement = await db.PartnerAgreements.AsNoTracking().Include(a => a.Lines).SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw ProblemException.NotFound($"Agreement {id}");
        await caller.RequireAsync(Permission.ReadResources, agreement.RegionPath, ct);
        return TypedResults.Ok(ToDto(agreement, StockKeeper.Today(clock.GetUtcNow())));
    }

    private static async Task<Created<AgreementDto>> CreateAsync(AgreementRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(Organisation.IsValidCode(body.Organisation), "organisation", "Required: the partner organisation's code.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Title), "title", "Required.");
        errors.Check(body.Lines is { Count: > 0 and <= PartnerAgreement.MaxLines }, "lines", $"1–{PartnerAgreement.MaxLines} lines.");
        errors.Check(body.ActivationLeadMinutes is not null, "activationLeadMinutes", "Required: minutes from activation to delivery starting.");
        errors.Check(body.ValidFrom is not null, "validFrom", "Required: first day, yyyy-MM-dd.");
        errors.Check(body.ValidTo is not null, "validTo", "Required: last day, yyyy-MM-dd.");
        errors.ThrowIfAny();

        var organisation = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Code == body.Organisation, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-organisation", "Unknown organisation",
                $"There is no organisation '{body.Organisation}'; register it first.");
        var region = await directory.NamedAsync(body.RegionCode ?? organisation.RegionCode, ct);
        var access = await caller.RequireAsync(Permission.ManageAgreements, region.Path, ct);

        var codes = body.Lines!.Select(l => l.Item).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var items = await db.Items.AsNoTracking().Where(i => codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, ct);
        if (codes.FirstOrDefault(c => !items.ContainsKey(c)) is { } unknown)
        {
            throw StockKeeper.UnknownItem(unknown);
        }

        var now = clock.GetUtcNow();
        var lines = body.Lines!.Select(l => (new AgreementLineDefinition(l.Item, l.Quantity, l.Service),
            l.Item is not null && items[l.Item].Discrete)).ToList();
        var agreement = new PartnerAgreement(Guid.CreateVersion7(now), organisation.Code, body.Title!, lines, body.ActivationLeadMinutes!.Value,
            body.Contacts, body.ValidFrom!.Value, body.ValidTo!.Value, region.Code, region.Path, now, access.Name);
        db.PartnerAgreements.Add(agreement);
        var dto = ToDto(agreement, StockKeeper.Today(now));
        db.Append(new JournalRecord(now, access.Name, JournalTypes.AgreementRecorded, region.Code, region.Path, null, dto));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/agreements/{agreement.Id}", dto);
    }

    public static AgreementDto ToDto(PartnerAgreement a, DateOnly today) => new(a.Id, a.OrganisationCode, a.Title,
        [.. a.Lines.OrderBy(l => l.Number).Select(l => new AgreementLineDto(l.Number, l.ItemCode, l.Committed, l.Drawn,
            l.Committed is null ? null : l.Remaining, l.Service))],
        a.ActivationLeadMinutes, a.Contacts, a.ValidFrom, a.ValidTo, a.IsValidOn(today), a.RegionCode, a.CreatedAt, a.CreatedBy);
}
