namespace CrisisOps.Domain.Resources;

/// <summary>What a catalogue entry says about one kind of goods, as a request or the default list gives it.</summary>
public sealed record ItemDefinition(
    string Code,
    string NameZh,
    string NameEn,
    string UnitZh,
    string UnitEn,
    bool Discrete,
    string Category,
    int? ShelfLifeDays,
    decimal? UnitWeightKg = null,
    decimal? UnitVolumeM3 = null);

/// <summary>
/// One kind of goods in the catalogue (food parcels, drinking water, tents). Stock, reservations,
/// agreements and needs name it by <see cref="Code"/>; its <see cref="Discrete"/> flag decides whether
/// quantities must be whole (<see cref="Quantity"/>).
/// </summary>
public sealed class Item
{
    public const int MaxNameLength = 200;
    public const int MaxUnitLength = 40;

    private Item() { }

    /// <exception cref="DomainException">invalid-item for a bad code, name, unit, category or shelf life.</exception>
    public Item(ItemDefinition definition, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Problem(definition) is { } problem)
        {
            throw new DomainException("invalid-item", problem);
        }

        Code = definition.Code;
        NameZh = definition.NameZh.Trim();
        NameEn = definition.NameEn.Trim();
        UnitZh = definition.UnitZh.Trim();
        UnitEn = definition.UnitEn.Trim();
        Discrete = definition.Discrete;
        Category = definition.Category;
        ShelfLifeDays = definition.ShelfLifeDays;
        UnitWeightKg = definition.UnitWeightKg;
        UnitVolumeM3 = definition.UnitVolumeM3;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    /// <summary>Kebab-case, e.g. <c>food-parcel</c>; stable once stock or agreements name it.</summary>
    public string Code { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    /// <summary>Unit of every quantity of this item, e.g. 份 / parcel, 升 / litre.</summary>
    public string UnitZh { get; private set; } = "";

    public string UnitEn { get; private set; } = "";

    /// <summary>Counted in whole units (tents, boxes) rather than measured (litres).</summary>
    public bool Discrete { get; private set; }

    /// <summary>Kebab-case group such as <c>food</c>, <c>medical</c>, <c>shelter</c>, <c>flood</c>.</summary>
    public string Category { get; private set; } = "";

    /// <summary>Typical shelf life, to suggest an expiry date on receipt; null for goods that keep.</summary>
    public int? ShelfLifeDays { get; private set; }

    /// <summary>Weight of one unit in kg, for vehicle loads; null when unknown (dispatch then assumes <see cref="AssumedUnitWeightKg"/>).</summary>
    public decimal? UnitWeightKg { get; private set; }

    /// <summary>Volume of one unit in m³, for vehicle loads; null when unknown (dispatch then assumes <see cref="AssumedUnitVolumeM3"/>).</summary>
    public decimal? UnitVolumeM3 { get; private set; }

    /// <summary>What a unit of an item without a stated weight is taken to weigh: a carton a person can carry.</summary>
    public const decimal AssumedUnitWeightKg = 10m;

    /// <summary>What a unit of an item without a stated volume is taken to fill: a moving box.</summary>
    public const decimal AssumedUnitVolumeM3 = 0.05m;

    public decimal WeightKgPerUnit => UnitWeightKg ?? AssumedUnitWeightKg;

    public decimal VolumeM3PerUnit => UnitVolumeM3 ?? AssumedUnitVolumeM3;

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>Kebab-case code of 2–64 characters: lower-case letters, digits and single '-' between them.</summary>
    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= 64 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && code[0] != '-' && code[^1] != '-' && !code.Contains("--", StringComparison.Ordinal);

    /// <summary>Why the definition is not acceptable, or null when it is.</summary>
    public static string? Problem(ItemDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!IsValidCode(definition.Code))
        {
            return "An item code is kebab-case, 2–64 characters, e.g. food-parcel.";
        }

        if (string.IsNullOrWhiteSpace(definition.NameZh) || definition.NameZh.Length > MaxNameLength
            || string.IsNullOrWhiteSpace(definition.NameEn) || definition.NameEn.Length > MaxNameLength)
        {
            return $"An item needs a Chinese and an English name of 1–{MaxNameLength} characters.";
        }

        if (string.IsNullOrWhiteSpace(definition.UnitZh) || definition.UnitZh.Length > MaxUnitLength
            || string.IsNullOrWhiteSpace(definition.UnitEn) || definition.UnitEn.Length > MaxUnitLength)
        {
            return $"An item needs a unit in Chinese and English of 1–{MaxUnitLength} characters.";
        }

        if (!IsValidCode(definition.Category))
        {
            return "A category is kebab-case, e.g. food or medical.";
        }

        if (definition.UnitWeightKg is <= 0 or > 100_000 || definition.UnitVolumeM3 is <= 0 or > 1_000)
        {
            return "A unit weight is over 0 and at most 100000 kg; a unit volume over 0 and at most 1000 m³.";
        }

        return definition.ShelfLifeDays is <= 0 or > 36_500 ? "A shelf life is 1–36500 days." : null;
    }
}
