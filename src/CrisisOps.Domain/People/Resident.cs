namespace CrisisOps.Domain.People;

/// <summary>
/// What about a person changes how a warning must reach them (公民应急数字画像). Flags, because one
/// person may be several of these and fan-out to a million residents filters on them in the database.
/// </summary>
[Flags]
public enum SpecialNeeds
{
    None = 0,
    HearingImpaired = 1,
    VisuallyImpaired = 2,

    /// <summary>65 or older. Set from the birth year on import, or by hand.</summary>
    Elderly = 4,

    /// <summary>独居老人: gets a knock on the door, not only a message (the rainstorm review's lesson).</summary>
    ElderlyLivingAlone = 8,
    MobilityImpaired = 16,

    /// <summary>Depends on a powered medical device (oxygen, dialysis, ventilator): a power cut is an emergency.</summary>
    PowerDependentDevice = 32,

    /// <summary>Reads neither Chinese nor the alert's other languages well: gets the alert in <see cref="Resident.Language"/>.</summary>
    NonChineseSpeaker = 64,
}

/// <summary>A course or drill a resident completed (应急培训), e.g. first aid.</summary>
public sealed record TrainingRecord(string Course, DateOnly CompletedOn);

/// <summary>
/// A resident in a community's register (公民应急数字画像): where they live (and work), how to reach
/// them, their language, special needs and training. Personal data: only roles that need it read it,
/// every read is journaled, and a gateway receives a number and a text, never this record.
/// </summary>
/// <remarks>
/// Contact points are columns rather than a table of their own: a register has at most one of each per
/// person, and fan-out reads them for a whole city in one pass.
/// </remarks>
public sealed class Resident
{
    public const int MaxNameLength = 100;
    public const int MaxReferenceLength = 64;
    public const int MaxAddressLength = 300;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 20;
    public const int MaxPushTokenLength = 512;
    public const int MaxTrainings = 50;

    private Resident() { }

    /// <exception cref="DomainException">invalid-resident.</exception>
    public Resident(Guid id, string reference, string name, ResidentPlace home, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Trim().Length > MaxReferenceLength)
        {
            throw new DomainException("invalid-resident", $"A resident needs the register's reference in 1–{MaxReferenceLength} characters.");
        }

        Id = id;
        Reference = reference.Trim();
        Rename(name);
        MoveHome(home);
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The community register's own number for this person; importing the same reference again updates the row.</summary>
    public string Reference { get; private set; } = "";

    public string Name { get; private set; } = "";

    public int? BirthYear { get; set; }

    public string HomeRegionCode { get; private set; } = "";

    /// <summary>Path of the home region: fan-out and access checks select a subtree by prefix.</summary>
    public string HomeRegionPath { get; private set; } = "";

    public double? HomeLatitude { get; private set; }

    public double? HomeLongitude { get; private set; }

    public string? HomeAddress { get; private set; }

    public string? WorkRegionCode { get; private set; }

    public string? WorkRegionPath { get; private set; }

    public double? WorkLatitude { get; private set; }

    public double? WorkLongitude { get; private set; }

    /// <summary>Mobile number in E.164 (+8613800138000); SMS, voice calls and cell broadcast reach it.</summary>
    public string? Mobile { get; set; }

    /// <summary>Landline in E.164; voice calls only.</summary>
    public string? Landline { get; set; }

    public string? Email { get; set; }

    /// <summary>The emergency app's push token for this person's phone.</summary>
    public string? PushToken { get; set; }

    /// <summary>BCP 47 language the person reads best, e.g. zh-CN, en, de.</summary>
    public string Language { get; set; } = "zh-CN";

    public SpecialNeeds Needs { get; set; }

    public List<TrainingRecord> Trainings { get; set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Concurrency token: two imports of the same register row cannot both win.</summary>
    public int Version { get; private set; }

    public bool Has(SpecialNeeds need) => (Needs & need) == need;

    public void Rename(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            throw new DomainException("invalid-resident", $"A resident's name has 1–{MaxNameLength} characters.");
        }

        Name = name.Trim();
    }

    public void MoveHome(ResidentPlace home)
    {
        ArgumentNullException.ThrowIfNull(home);
        home.Validated();
        (HomeRegionCode, HomeRegionPath, HomeLatitude, HomeLongitude, HomeAddress) =
            (home.RegionCode, home.RegionPath, home.Latitude, home.Longitude, home.Address);
    }

    public void SetWork(ResidentPlace? work) =>
        (WorkRegionCode, WorkRegionPath, WorkLatitude, WorkLongitude) = (work?.Validated().RegionCode, work?.RegionPath, work?.Latitude, work?.Longitude);

    /// <summary>Marks the row changed: bumps the concurrency token and the update time.</summary>
    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>Where a resident lives or works: the region it lies in and, when known, the point and address.</summary>
public sealed record ResidentPlace(string RegionCode, string RegionPath, double? Latitude, double? Longitude, string? Address)
{
    public ResidentPlace Validated()
    {
        if (string.IsNullOrWhiteSpace(RegionCode) || string.IsNullOrWhiteSpace(RegionPath))
        {
            throw new DomainException("invalid-resident", "A resident's place lies in a known region.");
        }

        if ((Latitude is null) != (Longitude is null)
            || Latitude is < -90 or > 90 || Longitude is < -180 or > 180)
        {
            throw new DomainException("invalid-resident", "A point has both latitude (−90…90) and longitude (−180…180).");
        }

        if (Address is { Length: > Resident.MaxAddressLength })
        {
            throw new DomainException("invalid-resident", $"An address has at most {Resident.MaxAddressLength} characters.");
        }

        return this;
    }
}
