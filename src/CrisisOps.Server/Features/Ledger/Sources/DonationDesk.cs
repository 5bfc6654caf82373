using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Features.Resources;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>
/// A donation as the API receives it. Goods: <c>warehouse</c>, <c>item</c>, <c>quantity</c> (decimal string), optional
/// <c>expires</c> and a declared value (<c>amount</c> + <c>currency</c>). Money: <c>amount</c> (decimal string),
/// <c>currency</c>, <c>region</c>. Both: <c>donor</c>, optional <c>incident</c> (number).
/// </summary>
public sealed record DonationRequest(string? Gift, PartyRequest? Donor, string? Warehouse, string? Item, string? Quantity, DateOnly? Expires,
    string? Amount, string? Currency, string? Region, string? Incident);

public sealed record DonationDto(Guid Id, string Number, GiftKind Gift, DonorKind DonorKind, string Party, string? Warehouse, string? Item,
    decimal? Quantity, string? Unit, decimal? Amount, string? Currency, string RegionCode, string? Incident, DateTimeOffset RecordedAt,
    string RecordedBy, LedgerStatusDto? Ledger);

public sealed record DonationList(IReadOnlyList<DonationDto> Items);

/// <summary>Who a donor pseudonym stands for, with their donations in the reader's regions.</summary>
public sealed record DonorDto(string Pseudonym, string Name, string Contact, DateTimeOffset FirstSeenAt, IReadOnlyList<DonationDto> Donations);

/// <summary>The answer to a recording: the donation, and whether it is the first answer given again for a retry.</summary>
public sealed record RecordedDonation(DonationDto Donation, bool Replayed);

/// <summary>
/// Records donations (捐赠登记): the donation row, the donor (pseudonymised), for goods the stock receipt through
/// <see cref="StockKeeper"/>, the <c>donation</c> ledger entry and the journal entry — one transaction. A retry with the
/// same <c>Idempotency-Key</c> gets the first answer and records nothing; the key with another request is refused.
/// </summary>
public sealed class DonationDesk(StockKeeper keeper, RegionDirectory directory, PseudonymKeyProvider pseudonyms,
    IDbContextFactory<CrisisOpsDbContext> factory, TimeProvider clock)
{
    public const int MaxListLimit = 500;

    /// <exception cref="ProblemException">400 validation-failed, invalid-idempotency-key; 403; 409 ledger-key-reused;
    /// 422 unknown-warehouse, unknown-item, unknown-region, unknown-incident.</exception>
    /// <exception cref="CrisisOps.Domain.DomainException">invalid-quantity (a fraction of a discrete item), expired-on-receipt.</exception>
    public async Task<RecordedDonation> RecordAsync(DonationRequest request, string? idempotencyKey, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        var key = LedgerRecords.RequireKey(idempotencyKey);
        var goods = request.Gift == "goods";
        var errors = new FieldErrors();
        errors.Check(goods || request.Gift == "money", "gift", "\"goods\" or \"money\".");
        LedgerRecords.CheckParty(errors, request.Donor, "donor", "organisation");
        decimal? quantity = null, amount;
        if (goods)
        {
            errors.Check(!string.IsNullOrWhiteSpace(request.Warehouse), "warehouse", "Required for goods: the receiving warehouse's code.");
            errors.Check(!string.IsNullOrWhiteSpace(request.Item), "item", "Required for goods: the item's catalogue code.");
            quantity = LedgerRecords.Decimal(errors, request.Quantity, "quantity", required: true, "The quantity in the item's unit");
            if (quantity is { } q && Domain.Resources.Quantity.Problem(q, discrete: false) is { } problem)
            {
                errors.Add("quantity", $"The quantity {problem}.");
            }

            amount = LedgerRecords.Decimal(errors, request.Amount, "amount", required: false, "The declared value");
            errors.Check((request.Amount is null) == (request.Currency is null), "currency", "A declared value needs both amount and currency.");
            errors.Check(request.Region is null, "region", "Goods belong to the receiving warehouse's region; leave region out.");
        }
        else
        {
            amount = LedgerRecords.Decimal(errors, request.Amount, "amount", required: true, "The amount");
            errors.Check(request.Currency is not null, "currency", "Required: the ISO 4217 code, e.g. CNY.");
            errors.Check(!string.IsNullOrWhiteSpace(request.Region), "region", "Required for money: the region the gift is for.");
            errors.Check(request.Warehouse is null && request.Item is null && request.Quantity is null && request.Expires is null, "gift",
                "A gift of money has no warehouse, item, quantity or expiry.");
        }

        errors.ThrowIfAny();
        var money = amount is { } a ? LedgerRecords.Field("amount", () => new Money(a, request.Currency)) : null;
        var hash = LedgerRecords.Hash(request);

        await using var lookup = await factory.CreateDbContextAsync(ct);
        Warehouse? warehouse = null;
        Item? item = null;
        RecordRegion region;
        if (goods)
        {
            warehouse = await lookup.Warehouses.AsNoTracking().SingleOrDefaultAsync(w => w.Code == request.Warehouse, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse",
                    $"There is no warehouse '{request.Warehouse}'.");
            item = await lookup.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Code == request.Item, ct) ?? throw StockKeeper.UnknownItem(request.Item);
            region = new RecordRegion(warehouse.RegionCode, warehouse.RegionPath);
        }
        else
        {
            var named = await directory.NamedAsync(request.Region, ct);
            region = new RecordRegion(named.Code, named.Path);
        }

        Require(access, region.Path);
        var incident = await LedgerRecords.IncidentAsync(lookup, request.Incident, ct);
        var person = request.Donor!.Kind == "person" ? new PersonDetails(request.Donor.Name, request.Donor.Contact) : null;
        var party = person is null ? LedgerParty.Organisation(request.Donor.Name) : null;

        var (donation, replayed) = await keeper.RunAsync(async db =>
        {
            // Looked up inside the unit of work: a concurrent request with the same key that saved first is found on the retry.
            var earlier = await db.Donations.AsNoTracking().SingleOrDefaultAsync(d => d.RecordedBy == access.Name && d.IdempotencyKey == key, ct);
            if (earlier is not null)
            {
                return earlier.RequestHash == hash ? (earlier, true) : throw LedgerRecords.KeyReused("donation");
            }

            var now = clock.GetUtcNow();
            var donor = party ?? await DonorAsync(db, person!, access.Name, now, ct);
            var gift = goods ? new GoodsGift(warehouse!.Code, item!.Code, item.UnitEn, quantity!.Value, money) : null;
            var donation = new Donation(Guid.CreateVersion7(now), key, hash, donor, gift, goods ? null : money, region, incident, access.Name, now);
            db.Donations.Add(donation);
            if (goods)
            {
                // The stock receipt names the donation, so its ledger entry carries the donation's number and donor.
                await keeper.ReceiveAsync(db, warehouse!.Id, item!.Code, quantity!.Value, request.Expires,
                    new StockReference(SourceEntries.DonationReference, donation.Id.ToString()), $"donation {donation.Number}", access.Name, now, ct);
            }

            db.AppendToLedger(donation.LedgerKey, donation.LedgerBody(), now);

            // The journal names the pseudonym, not the person: journal readers are not all donor readers.
            db.Append(new JournalRecord(now, access.Name, JournalTypes.LedgerDonationRecorded, region.Code, region.Path, null, new
            {
                donation.Number, gift = request.Gift, donor = request.Donor.Kind, donation.Party, donation.WarehouseCode, donation.ItemCode,
                donation.Quantity, donation.Amount, donation.Currency, incident,
            }));
            return (donation, false);
        }, ct);

        await using var read = await factory.CreateDbContextAsync(ct);
        return new RecordedDonation(ToDto(donation, await LedgerRecords.StatusAsync(read, donation.LedgerKey, ct)), replayed);
    }

    /// <summary>Donations recorded in the caller's regions (newest first), optionally under one region.</summary>
    /// <exception cref="ProblemException">404/403 for a region filter.</exception>
    public async Task<DonationList> ListAsync(string? regionCode, int limit, CallerAccessor caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var access = await caller.GetAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Donations.AsNoTracking().WhereUnder(d => d.RegionPath, access.ScopesFor(Permission.RecordDonations));
        if (regionCode is not null)
        {
            var region = await directory.ScopeAsync(regionCode, Permission.RecordDonations, caller, ct);
            query = query.WhereUnder(d => d.RegionPath, [region.Path]);
        }

        var list = await query.OrderByDescending(d => d.RecordedAt).ThenByDescending(d => d.Id).Take(limit).ToListAsync(ct);
        return new DonationList([.. list.Select(d => ToDto(d, null))]);
    }

    /// <summary>
    /// Who a pseudonym stands for. Allowed when one of the donor's gifts lies in a region where the caller holds
    /// <see cref="Permission.ReadDonors"/>; the read is journaled there (who read which pseudonym — not the name).
    /// </summary>
    /// <exception cref="ProblemException">400 for a text that is no donor pseudonym; 404; 403 outside-jurisdiction.</exception>
    public async Task<DonorDto> DonorAsync(string pseudonym, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (Pseudonym.Parse(pseudonym) is not { Role: PseudonymRole.Donor })
        {
            throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["pseudonym"] = ["A donor pseudonym is D- and 10 characters A–Z, 2–7, e.g. D-ABCDEFGHIJ."],
            });
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var donor = await db.Donors.AsNoTracking().SingleOrDefaultAsync(d => d.Pseudonym == pseudonym, ct)
            ?? throw ProblemException.NotFound($"Donor '{pseudonym}'");
        var donations = await db.Donations.AsNoTracking().Where(d => d.DonorId == donor.Id)
            .WhereUnder(d => d.RegionPath, access.ScopesFor(Permission.ReadDonors))
            .OrderByDescending(d => d.RecordedAt).ToListAsync(ct);
        if (donations.Count == 0)
        {
            throw ProblemException.Forbidden($"None of the gifts of {pseudonym} lies in a region where you may read donors.");
        }

        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.LedgerDonorRead, donations[0].RegionCode, donations[0].RegionPath, null,
            new { pseudonym, donations = donations.Count }));
        await db.SaveChangesAsync(ct);
        return new DonorDto(donor.Pseudonym, donor.Name, donor.Contact, donor.FirstSeenAt, [.. donations.Select(d => ToDto(d, null))]);
    }

    public static DonationDto ToDto(Donation d, LedgerStatusDto? ledger)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new DonationDto(d.Id, d.Number, d.Gift, d.DonorKind, d.Party, d.WarehouseCode, d.ItemCode, d.Quantity, d.Unit, d.Amount, d.Currency,
            d.RegionCode, d.IncidentNumber, d.RecordedAt, d.RecordedBy, ledger);
    }

    private static void Require(CallerAccess access, string regionPath)
    {
        if (!access.Can(Permission.RecordDonations, regionPath))
        {
            throw ProblemException.Forbidden(
                $"Your roles do not allow '{Permission.RecordDonations}' in region '{Paths.Codes(regionPath).LastOrDefault() ?? "/"}'.");
        }
    }

    /// <summary>The donor row for a person: found by pseudonym (a repeat donor), else created.</summary>
    private async Task<LedgerParty> DonorAsync(CrisisOpsDbContext db, PersonDetails person, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var pseudonym = Pseudonym.Of(pseudonyms.Key, PseudonymRole.Donor, person);
        var donor = await db.Donors.SingleOrDefaultAsync(d => d.Pseudonym == pseudonym.Value, ct);
        if (donor is null)
        {
            donor = new Donor(Guid.CreateVersion7(now), pseudonym, person, now, actor);
            db.Donors.Add(donor);
        }
        else if (new PersonDetails(donor.Name, donor.Contact) is var known
                 && (known.NormalisedName != person.NormalisedName || known.NormalisedContact != person.NormalisedContact))
        {
            // 50 bits make this about one in 10^15 per pair; if it happens, two people must not share one public name.
            throw new ProblemException(StatusCodes.Status409Conflict, "pseudonym-collision", "Pseudonym collision",
                "Two different people map to one pseudonym; record the donor with a different contact.");
        }

        return LedgerParty.Person(pseudonym, donor.Id);
    }
}
