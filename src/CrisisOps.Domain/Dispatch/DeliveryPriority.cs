using CrisisOps.Domain.Needs;
using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Dispatch;

/// <summary>
/// Who is served first when the fleet cannot serve everyone (MISSION.md §6: nursing homes and schools first).
/// A delivery of a more urgent class is never left out while a less urgent one is served.
/// </summary>
public static class DeliveryPriority
{
    /// <summary>Nursing homes and hospitals: people who cannot leave and cannot wait.</summary>
    public const int CareHomes = 0;

    /// <summary>Schools: many children in one place.</summary>
    public const int Schools = 1;

    /// <summary>Shelters: evacuees, already looked after.</summary>
    public const int Shelters = 2;

    /// <summary>Vulnerable households: a community asking for its own people.</summary>
    public const int Households = 3;

    public const int Others = 4;

    public const int Classes = 5;

    /// <summary>The class of a need: by the type of its site; without a site, a community's need is for households.</summary>
    public static int ClassOf(SiteType? site, NeedPublisherKind publisher) => site switch
    {
        SiteType.NursingHome or SiteType.Hospital => CareHomes,
        SiteType.School => Schools,
        SiteType.Shelter => Shelters,
        _ => publisher == NeedPublisherKind.Community ? Households : Others,
    };

    public static string Name(int priorityClass) => priorityClass switch
    {
        CareHomes => "care-homes",
        Schools => "schools",
        Shelters => "shelters",
        Households => "households",
        _ => "others",
    };
}
