namespace CrisisOps.Domain.Resources;

/// <summary>
/// The rules every quantity of goods follows — stock, reservations, needs, claims, receipts: positive,
/// at most <see cref="Max"/>, at most three decimals, and a whole number for discrete items (parcels,
/// tents, boxes of masks) that cannot be split. Quantities are <see cref="decimal"/> in the item's unit.
/// </summary>
public static class Quantity
{
    /// <summary>Larger than any stock a city holds; keeps sums far from overflow and typos out.</summary>
    public const decimal Max = 1_000_000_000m;

    /// <summary>Why <paramref name="quantity"/> is not acceptable, or null when it is.</summary>
    public static string? Problem(decimal quantity, bool discrete)
    {
        if (quantity <= 0)
        {
            return "must be more than zero";
        }

        if (quantity > Max)
        {
            return $"must be at most {Max:N0}";
        }

        if (discrete && quantity != decimal.Truncate(quantity))
        {
            return "must be a whole number: the item cannot be split";
        }

        return decimal.Round(quantity, 3) != quantity ? "may have at most three decimals" : null;
    }

    /// <summary>Throws <c>invalid-quantity</c> naming <paramref name="what"/> when the quantity breaks the rules.</summary>
    /// <exception cref="DomainException">invalid-quantity.</exception>
    public static decimal Check(decimal quantity, bool discrete, string what)
    {
        if (Problem(quantity, discrete) is { } problem)
        {
            throw new DomainException("invalid-quantity", $"The {what} {problem}.");
        }

        return quantity;
    }
}
