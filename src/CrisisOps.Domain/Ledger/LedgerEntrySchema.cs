using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CrisisOps.Domain.Ledger;

/// <summary>How a member of an entry is written.</summary>
public enum MemberForm
{
    /// <summary>A non-empty string.</summary>
    Text = 1,

    /// <summary>A positive or zero decimal written as <see cref="LedgerEntry.FormatDecimal"/> writes it ("12.5", "3", "0").</summary>
    Decimal,

    /// <summary>A calendar date, <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary>An ISO 4217 currency code, three capital letters.</summary>
    Currency,

    /// <summary>A word out of a fixed set (given in the member's definition).</summary>
    Word,
}

/// <summary>One member of an entry kind's body: its name, form, whether it must be there, and the words it may hold.</summary>
public sealed record EntryMember(string Name, MemberForm Form, bool Required, params string[] Words);

/// <summary>
/// The members each entry kind carries in schema version 1 (docs/ledger-entries.md), checked where the entries are
/// built. A body with a member the schema does not name is refused too: what the ledger publishes is the list
/// below and nothing else, so a free-text field with a person's name cannot slip into a public entry by accident.
/// The envelope (<c>v</c>, <c>kind</c>, <c>time</c>, <c>region</c>) is checked by <see cref="LedgerEntry.Accept"/>.
/// </summary>
public static partial class LedgerEntrySchema
{
    private static readonly string[] Envelope = ["v", "kind", "time", "region"];

    private static readonly Dictionary<string, EntryMember[]> Members = new(StringComparer.Ordinal)
    {
        [LedgerEntryKinds.StockReceipt] =
        [
            new("warehouse", MemberForm.Text, true), new("item", MemberForm.Text, true), new("quantity", MemberForm.Decimal, true),
            new("unit", MemberForm.Text, true), new("expires", MemberForm.Date, false), new("need", MemberForm.Text, false),
            new("donation", MemberForm.Text, false), new("party", MemberForm.Text, false),
        ],
        [LedgerEntryKinds.StockIssue] =
        [
            new("warehouse", MemberForm.Text, true), new("item", MemberForm.Text, true), new("quantity", MemberForm.Decimal, true),
            new("unit", MemberForm.Text, true), new("need", MemberForm.Text, false),
        ],
        [LedgerEntryKinds.Transfer] =
        [
            new("warehouse", MemberForm.Text, true), new("to", MemberForm.Text, true), new("toRegion", MemberForm.Text, true),
            new("item", MemberForm.Text, true), new("quantity", MemberForm.Decimal, true), new("unit", MemberForm.Text, true),
            new("need", MemberForm.Text, false),
        ],
        [LedgerEntryKinds.DeliveryConfirmed] =
        [
            new("need", MemberForm.Text, true), new("claim", MemberForm.Text, true), new("quantity", MemberForm.Decimal, true),
            new("claimed", MemberForm.Decimal, true), new("unit", MemberForm.Text, true), new("item", MemberForm.Text, false),
            new("party", MemberForm.Text, false), new("warehouse", MemberForm.Text, false),
            new("exercise", MemberForm.Word, false, "true"),
        ],
        [LedgerEntryKinds.Donation] =
        [
            new("donation", MemberForm.Text, true), new("gift", MemberForm.Word, true, "goods", "money"),
            new("donor", MemberForm.Word, true, "person", "organisation"), new("party", MemberForm.Text, true),
            new("warehouse", MemberForm.Text, false), new("item", MemberForm.Text, false), new("quantity", MemberForm.Decimal, false),
            new("unit", MemberForm.Text, false), new("amount", MemberForm.Decimal, false), new("currency", MemberForm.Currency, false),
            new("incident", MemberForm.Text, false),
        ],
        [LedgerEntryKinds.Compensation] =
        [
            new("payment", MemberForm.Text, true), new("payee", MemberForm.Word, true, "person", "business"),
            new("party", MemberForm.Text, true), new("measure", MemberForm.Text, true), new("amount", MemberForm.Decimal, true),
            new("currency", MemberForm.Currency, true), new("incident", MemberForm.Text, false),
        ],
    };

    /// <summary>The members of a kind (without the envelope).</summary>
    public static IReadOnlyList<EntryMember> Of(string kind) => Members.TryGetValue(kind, out var members) ? members : [];

    /// <summary>Checks the kind's members; returns the body for chaining.</summary>
    /// <exception cref="DomainException"><c>ledger-entry-invalid</c> naming every member that is missing, unknown or malformed.</exception>
    public static JsonObject Check(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var kind = body["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : "";
        if (!Members.TryGetValue(kind, out var members))
        {
            throw Invalid([$"\"kind\" \"{kind}\" has no schema"]);
        }

        var problems = new List<string>();
        foreach (var member in members)
        {
            var node = body[member.Name];
            if (node is null)
            {
                if (member.Required)
                {
                    problems.Add($"\"{member.Name}\" is missing");
                }

                continue;
            }

            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>() is not { Length: > 0 } text)
            {
                problems.Add($"\"{member.Name}\" must be a non-empty string");
                continue;
            }

            var ok = member.Form switch
            {
                MemberForm.Decimal => DecimalText().IsMatch(text),
                MemberForm.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", out _),
                MemberForm.Currency => CurrencyText().IsMatch(text),
                MemberForm.Word => member.Words.Contains(text, StringComparer.Ordinal),
                _ => true,
            };
            if (!ok)
            {
                problems.Add(member.Form switch
                {
                    MemberForm.Decimal => $"\"{member.Name}\" must be a decimal like \"12.5\" (no sign, exponent or trailing zeros), not \"{text}\"",
                    MemberForm.Date => $"\"{member.Name}\" must be a date yyyy-MM-dd",
                    MemberForm.Currency => $"\"{member.Name}\" must be an ISO 4217 code such as CNY",
                    _ => $"\"{member.Name}\" must be one of {string.Join(", ", member.Words)}",
                });
            }
        }

        foreach (var (name, _) in body)
        {
            if (!Envelope.Contains(name, StringComparer.Ordinal) && !members.Any(m => m.Name == name))
            {
                problems.Add($"\"{name}\" is not a member of {kind} entries");
            }
        }

        // What a gift is decides which of its optional members it needs.
        if (kind == LedgerEntryKinds.Donation)
        {
            var goods = Text(body, "gift") == "goods";
            foreach (var name in goods ? new[] { "warehouse", "item", "quantity", "unit" } : ["amount", "currency"])
            {
                if (body[name] is null)
                {
                    problems.Add($"a gift of {(goods ? "goods" : "money")} needs \"{name}\"");
                }
            }

            if (!goods && body["warehouse"] is not null)
            {
                problems.Add("a gift of money names no warehouse");
            }

            // Goods may carry the value the donor declared: an amount with its currency, both or neither.
            if (goods && (body["amount"] is null) != (body["currency"] is null))
            {
                problems.Add("a declared value of goods needs both \"amount\" and \"currency\"");
            }
        }

        return problems.Count == 0 ? body : throw Invalid(problems);
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DomainException Invalid(IEnumerable<string> problems) =>
        new("ledger-entry-invalid", $"The ledger entry is invalid: {string.Join("; ", problems)}.");

    [GeneratedRegex(@"^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalText();

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyText();
}
