using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>
/// What feeds the sunshine ledger from staff — donations, the donor lookup, compensation payments — and the public
/// search over its entries (docs/ledger-entries.md). Stock movements and confirmed deliveries feed it by themselves.
/// </summary>
public static class SourcesEndpoints
{
    public static IEndpointRouteBuilder MapLedgerSourceEndpoints(this IEndpointRouteBuilder app)
    {
        // Idempotency is the desks' own (kept with the record, for good), not the generic one-week middleware.
        var donations = app.MapGroup("/api/v1/donations").WithTags("Ledger");
        donations.MapPost("", RecordDonationAsync).RequirePermission(Permission.RecordDonations);
        donations.MapGet("", ListDonationsAsync).RequirePermission(Permission.RecordDonations);
        donations.MapGet("/{number}", DonationAsync).RequirePermission(Permission.RecordDonations);
        app.MapGet("/api/v1/donors/{pseudonym}", DonorAsync).RequirePermission(Permission.ReadDonors).WithTags("Ledger");

        var payments = app.MapGroup("/api/v1/compensation-payments").WithTags("Ledger");
        payments.MapPost("", RecordCompensationAsync).RequirePermission(Permission.RecordCompensation);
        payments.MapGet("", ListCompensationAsync).RequirePermission(Permission.RecordCompensation);

        app.MapGet("/api/v1/public/ledger/search", SearchAsync).AllowAnonymous().RequireRateLimiting(RateLimits.PublicRead).WithTags("Public");
        return app;
    }

    private static async Task<Created<DonationDto>> RecordDonationAsync(DonationRequest body, [FromHeader(Name = "Idempotency-Key")] string? key,
        DonationDesk desk, CallerAccessor caller, HttpResponse response, CancellationToken ct)
    {
        var recorded = await desk.RecordAsync(body, key, await caller.GetAsync(ct), ct);
        Replayed(response, recorded.Replayed);
        return TypedResults.Created($"/api/v1/donations/{recorded.Donation.Number}", recorded.Donation);
    }

    private static async Task<Ok<DonationList>> ListDonationsAsync(string? region, int? limit, DonationDesk desk, CallerAccessor caller, CancellationToken ct)
    {
        CheckLimit(limit);
        return TypedResults.Ok(await desk.ListAsync(region, limit ?? 100, caller, ct));
    }

    private static async Task<Ok<DonationDto>> DonationAsync(string number, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var donation = await db.Donations.AsNoTracking().SingleOrDefaultAsync(d => d.Number == number, ct)
            ?? throw ProblemException.NotFound($"Donation '{number}'");
        await caller.RequireAsync(Permission.RecordDonations, donation.RegionPath, ct);
        return TypedResults.Ok(DonationDesk.ToDto(donation, await LedgerRecords.StatusAsync(db, donation.LedgerKey, ct)));
    }

    private static async Task<Ok<DonorDto>> DonorAsync(string pseudonym, DonationDesk desk, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(await desk.DonorAsync(pseudonym, await caller.GetAsync(ct), ct));

    private static async Task<Created<CompensationDto>> RecordCompensationAsync(CompensationRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? key, CompensationDesk desk, CallerAccessor caller, HttpResponse response, CancellationToken ct)
    {
        var recorded = await desk.RecordAsync(body, key, await caller.GetAsync(ct), ct);
        Replayed(response, recorded.Replayed);
        return TypedResults.Created($"/api/v1/compensation-payments?number={recorded.Payment.Number}", recorded.Payment);
    }

    private static async Task<Ok<CompensationList>> ListCompensationAsync(string? region, int? limit, CompensationDesk desk, CallerAccessor caller,
        CancellationToken ct)
    {
        CheckLimit(limit);
        return TypedResults.Ok(await desk.ListAsync(region, limit ?? 100, caller, ct));
    }

    private static async Task<Ok<LedgerSearchResult>> SearchAsync(string? need, string? warehouse, string? party, string? item, string? kind,
        int? limit, long? before, CrisisOpsDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        foreach (var (name, value) in new[] { ("need", need), ("warehouse", warehouse), ("party", party), ("item", item) })
        {
            errors.Check(value is null || (value.Length is > 0 and <= LedgerEntry.MaxSearchKeyLength), name,
                $"1 to {LedgerEntry.MaxSearchKeyLength} characters.");
        }

        errors.Check(kind is null || LedgerEntryKinds.IsKnown(kind), "kind", $"One of {string.Join(", ", LedgerEntryKinds.All)}.");
        errors.Check(limit is null or >= 1 and <= LedgerQuery.MaxLimit, "limit", $"1 to {LedgerQuery.MaxLimit}.");
        errors.Check(before is null or >= 1, "before", "An entry id (the next cursor of the previous page).");
        errors.ThrowIfAny();
        return TypedResults.Ok(await LedgerSearch.FindAsync(db,
            new LedgerQuery(need, warehouse, party, item, kind, limit ?? LedgerQuery.DefaultLimit, before), ct));
    }

    private static void CheckLimit(int? limit)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or >= 1 and <= DonationDesk.MaxListLimit, "limit", $"1 to {DonationDesk.MaxListLimit}.");
        errors.ThrowIfAny();
    }

    private static void Replayed(HttpResponse response, bool replayed)
    {
        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }
    }
}
