using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>A donor or payee as a request names them: an organisation/business by name, or a person by name and contact.</summary>
public sealed record PartyRequest(string? Kind, string? Name, string? Contact);

/// <summary>What donations and compensation payments share: the idempotency rule, parties, amounts, the ledger status.</summary>
internal static class LedgerRecords
{
    /// <summary>
    /// The key must be there: a donation or payment retried without one could be recorded — and published for good — twice.
    /// </summary>
    /// <exception cref="ProblemException">400 invalid-idempotency-key.</exception>
    public static string RequireKey(string? key) => key is { Length: > 0 and <= Donation.MaxIdempotencyKeyLength } && !string.IsNullOrWhiteSpace(key)
        ? key
        : throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-idempotency-key", "Idempotency-Key required",
            $"Send an Idempotency-Key header of 1–{Donation.MaxIdempotencyKeyLength} characters: a retry with the same key records nothing twice.");

    /// <summary>SHA-256 of the request as parsed, so a retry that only re-indents the JSON is still the same request.</summary>
    public static string Hash<T>(T request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    public static ProblemException KeyReused(string what) =>
        new(StatusCodes.Status409Conflict, "ledger-key-reused", "Idempotency-Key reused",
            $"This Idempotency-Key already recorded a different {what}; nothing was recorded. Use a new key for a new {what}.");

    public static void CheckParty(FieldErrors errors, PartyRequest? party, string field, string organisationWord)
    {
        if (!errors.Check(party is not null, field, $"Required: {{\"kind\": \"person\" or \"{organisationWord}\", \"name\", \"contact\" (persons)}}."))
        {
            return;
        }

        var person = party!.Kind == "person";
        errors.Check(person || party.Kind == organisationWord, field + ".kind", $"\"person\" or \"{organisationWord}\".");
        var max = person ? PersonDetails.MaxNameLength : LedgerParty.MaxOrganisationNameLength;
        errors.Check(!string.IsNullOrWhiteSpace(party.Name) && party.Name.Trim().Length <= max, field + ".name", $"Required, at most {max} characters.");
        if (person)
        {
            errors.Check(!string.IsNullOrWhiteSpace(party.Contact) && party.Contact.Trim().Length <= PersonDetails.MaxContactLength, field + ".contact",
                $"Required for a person (telephone or e-mail, at most {PersonDetails.MaxContactLength} characters): it tells two people of one name apart. Never published.");
        }
        else
        {
            errors.Check(party.Contact is null, field + ".contact", $"An {organisationWord} is public by its name; record no contact here.");
            errors.Check(party.Name is null || Pseudonym.Parse(party.Name.Trim()) is null, field + ".name", "May not look like a pseudonym (D-… or P-…).");
        }
    }

    /// <summary>Reads an amount or quantity written as a decimal string; adds a field error when it is not one.</summary>
    public static decimal? Decimal(FieldErrors errors, string? text, string field, bool required, string what)
    {
        if (text is null)
        {
            errors.Check(!required, field, $"Required: {what} as a decimal string, e.g. \"12.5\".");
            return null;
        }

        if (!Money.TryParseAmount(text, out var value) || value <= 0)
        {
            errors.Add(field, $"{what} as a decimal string more than zero, e.g. \"12.5\" (no sign, exponent or separators).");
            return null;
        }

        return value;
    }

    /// <summary>The incident a record names, by number: 422 when there is none.</summary>
    public static async Task<string?> IncidentAsync(CrisisOpsDbContext db, string? number, CancellationToken ct)
    {
        if (number is null)
        {
            return null;
        }

        return await db.Incidents.AsNoTracking().Where(i => i.Number == number).Select(i => i.Number).SingleOrDefaultAsync(ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-incident", "Unknown incident",
                $"There is no incident '{number}'.");
    }

    /// <summary>Where a queued entry stands: its id, and its leaf index once integrated.</summary>
    public static async Task<LedgerStatusDto?> StatusAsync(CrisisOpsDbContext db, string ledgerKey, CancellationToken ct)
    {
        var entry = await db.LedgerEntries.AsNoTracking().Where(e => e.IdempotencyKey == ledgerKey).Select(e => new { e.Id }).SingleOrDefaultAsync(ct);
        if (entry is null)
        {
            return null;
        }

        var found = await LedgerSearch.StatusesAsync(db, [entry.Id], ct);
        return found[entry.Id];
    }

    /// <summary>The domain's refusals of a party, amount or currency as the field errors they are.</summary>
    public static T Field<T>(string field, Func<T> make)
    {
        try
        {
            return make();
        }
        catch (DomainException e)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [e.Message] });
        }
    }
}
