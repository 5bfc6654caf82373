using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>A compensation payment as the API receives it: payee, the measure, amount (decimal string), currency, region, optional incident number.</summary>
public sealed record CompensationRequest(PartyRequest? Payee, string? Measure, string? Amount, string? Currency, string? Region, string? Incident);

public sealed record CompensationDto(Guid Id, string Number, PayeeKind PayeeKind, string Party, string Measure, decimal Amount, string Currency,
    string RegionCode, string? Incident, DateTimeOffset RecordedAt, string RecordedBy, LedgerStatusDto? Ledger);

public sealed record CompensationList(IReadOnlyList<CompensationDto> Items);

public sealed record RecordedCompensation(CompensationDto Payment, bool Replayed);

/// <summary>
/// Records compensation payments (补偿): the payment, the payee (a person pseudonymised as <c>P-…</c>), the
/// <c>compensation</c> ledger entry and the journal entry in one transaction; idempotent by key like donations.
/// </summary>
public sealed class CompensationDesk(UnitOfWork unitOfWork, RegionDirectory directory, PseudonymKeyProvider pseudonyms,
    IDbContextFactory<CrisisOpsDbContext> factory, TimeProvider clock)
{
    /// <exception cref="ProblemException">400 validation-failed, invalid-idempotency-key; 403; 409 ledger-key-reused; 422 unknown-region, unknown-incident.</exception>
    public async Task<RecordedCompensation> RecordAsync(CompensationRequest request, string? idempotencyKey, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        var key = LedgerRecords.RequireKey(idempotencyKey);
        var errors = new FieldErrors();
        LedgerRecords.CheckParty(errors, request.Payee, "payee", "business");
        errors.Check(!string.IsNullOrWhiteSpace(request.Measure) && request.Measure.Trim().Length <= CompensationPayment.MaxMeasureLength, "measure",
            $"Required: the measure compensated, in Chinese or English, at most {CompensationPayment.MaxMeasureLength} characters. It is published: name no person.");
        var amount = LedgerRecords.Decimal(errors, request.Amount, "amount", required: true, "The amount");
        errors.Check(request.Currency is not null, "currency", "Required: the ISO 4217 code, e.g. CNY.");
        errors.Check(!string.IsNullOrWhiteSpace(request.Region), "region", "Required: the region where the measure was taken.");
        errors.ThrowIfAny();
        var money = LedgerRecords.Field("amount", () => new Money(amount!.Value, request.Currency));
        var hash = LedgerRecords.Hash(request);
        var named = await directory.NamedAsync(request.Region, ct);
        if (!access.Can(Permission.RecordCompensation, named.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.RecordCompensation}' in region '{named.Code}'.");
        }

        var region = new RecordRegion(named.Code, named.Path);
        await using var lookup = await factory.CreateDbContextAsync(ct);
        var incident = await LedgerRecords.IncidentAsync(lookup, request.Incident, ct);
        var person = request.Payee!.Kind == "person" ? new PersonDetails(request.Payee.Name, request.Payee.Contact) : null;

        var (payment, replayed) = await unitOfWork.RunAsync(async db =>
        {
            var earlier = await db.CompensationPayments.AsNoTracking()
                .SingleOrDefaultAsync(p => p.RecordedBy == access.Name && p.IdempotencyKey == key, ct);
            if (earlier is not null)
            {
                return earlier.RequestHash == hash ? (earlier, true) : throw LedgerRecords.KeyReused("payment");
            }

            var now = clock.GetUtcNow();
            var payee = person is null ? LedgerParty.Organisation(request.Payee.Name) : await PayeeAsync(db, person, access.Name, now, ct);
            var payment = new CompensationPayment(Guid.CreateVersion7(now), key, hash, payee, request.Measure, money, region, incident, access.Name, now);
            db.CompensationPayments.Add(payment);
            db.AppendToLedger(payment.LedgerKey, payment.LedgerBody(), now);
            db.Append(new JournalRecord(now, access.Name, JournalTypes.LedgerCompensationRecorded, region.Code, region.Path, null, new
            {
                payment.Number, payee = request.Payee.Kind, payment.Party, payment.Amount, payment.Currency, incident,
            }));
            return (payment, false);
        }, ct);

        await using var read = await factory.CreateDbContextAsync(ct);
        return new RecordedCompensation(ToDto(payment, await LedgerRecords.StatusAsync(read, payment.LedgerKey, ct)), replayed);
    }

    /// <summary>Payments recorded in the caller's regions, newest first.</summary>
    public async Task<CompensationList> ListAsync(string? regionCode, int limit, CallerAccessor caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var access = await caller.GetAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.CompensationPayments.AsNoTracking().WhereUnder(p => p.RegionPath, access.ScopesFor(Permission.RecordCompensation));
        if (regionCode is not null)
        {
            var region = await directory.ScopeAsync(regionCode, Permission.RecordCompensation, caller, ct);
            query = query.WhereUnder(p => p.RegionPath, [region.Path]);
        }

        var list = await query.OrderByDescending(p => p.RecordedAt).ThenByDescending(p => p.Id).Take(limit).ToListAsync(ct);
        var keys = list.Select(p => p.LedgerKey).ToList();
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => keys.Contains(e.IdempotencyKey))
            .Select(e => new { e.IdempotencyKey, e.Id }).ToDictionaryAsync(e => e.IdempotencyKey, e => e.Id, ct);
        var statuses = await LedgerSearch.StatusesAsync(db, entries.Values, ct);
        return new CompensationList([.. list.Select(p => ToDto(p, entries.TryGetValue(p.LedgerKey, out var id) ? statuses[id] : null))]);
    }

    public static CompensationDto ToDto(CompensationPayment p, LedgerStatusDto? ledger)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new CompensationDto(p.Id, p.Number, p.PayeeKind, p.Party, p.Measure, p.Amount, p.Currency, p.RegionCode, p.IncidentNumber, p.RecordedAt,
            p.RecordedBy, ledger);
    }

    private async Task<LedgerParty> PayeeAsync(CrisisOpsDbContext db, PersonDetails person, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var pseudonym = Pseudonym.Of(pseudonyms.Key, PseudonymRole.Payee, person);
        var payee = await db.Payees.SingleOrDefaultAsync(p => p.Pseudonym == pseudonym.Value, ct);
        if (payee is null)
        {
            payee = new Payee(Guid.CreateVersion7(now), pseudonym, person, now, actor);
            db.Payees.Add(payee);
        }

        return LedgerParty.Person(pseudonym, payee.Id);
    }
}
