using System.Text.RegularExpressions;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// An amount of money in a currency, as donations and compensation record it: more than zero, below
/// <see cref="Max"/>, at most three decimals (the finest currency unit ISO 4217 knows), currency as its ISO 4217 code.
/// </summary>
public sealed partial record Money
{
    /// <summary>Beyond any single gift or payment; keeps amounts exact where SQLite stores them as doubles.</summary>
    public const decimal Max = 100_000_000_000m;

    /// <exception cref="DomainException"><c>invalid-amount</c>, <c>invalid-currency</c>.</exception>
    public Money(decimal amount, string? currency)
    {
        if (amount <= 0 || amount >= Max || decimal.Round(amount, 3) != amount)
        {
            throw new DomainException("invalid-amount", $"An amount is more than 0, less than {Max:0} and has at most three decimals.");
        }

        if (currency is null || !CurrencyCode().IsMatch(currency))
        {
            throw new DomainException("invalid-currency", "A currency is its ISO 4217 code in capitals, such as CNY or EUR.");
        }

        Amount = amount;
        Currency = currency;
    }

    public decimal Amount { get; }

    public string Currency { get; }

    /// <summary>Reads a decimal written as text ("1200.50"): digits, at most one point, no sign, exponent or group separators.</summary>
    public static bool TryParseAmount(string? text, out decimal amount)
    {
        amount = 0;
        return text is { Length: > 0 and <= 32 } && AmountText().IsMatch(text)
            && decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out amount);
    }

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyCode();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountText();
}
