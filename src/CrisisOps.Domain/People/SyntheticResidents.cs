using System.Globalization;

namespace CrisisOps.Domain.People;

/// <summary>A community synthetic residents are spread over: its region and a point to scatter homes around.</summary>
public sealed record SyntheticCommunity(string RegionCode, string RegionPath, double Latitude, double Longitude);

/// <summary>
/// Generates plausible residents for the demo city, tests and benchmarks: the same seed gives the same
/// people. The shares of special needs follow an ageing Chinese city (about one in five 65 or older, one
/// in twenty-five living alone), so coverage by segment has something to show. Names, numbers and
/// addresses are made up; mobile numbers use the 199 0000 xxxx range no operator assigns to people.
/// </summary>
public static class SyntheticResidents
{
    private static readonly string[] FamilyNames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "桂兰", "建国"];
    private static readonly string[] ForeignLanguages = ["en", "de", "ru", "ko", "ja"];

    /// <summary>Residents numbered from <paramref name="firstNumber"/>, spread round-robin over the communities.</summary>
    public static IEnumerable<Resident> Generate(IReadOnlyList<SyntheticCommunity> communities, int count, int seed, DateTimeOffset now, int firstNumber = 1)
    {
        ArgumentNullException.ThrowIfNull(communities);
        if (communities.Count == 0)
        {
            throw new ArgumentException("Synthetic residents need at least one community.", nameof(communities));
        }

        var random = new Random(seed);
        var year = now.Year;
        for (var i = 0; i < count; i++)
        {
            var number = firstNumber + i;
            var community = communities[i % communities.Count];
            var latitude = Math.Round(community.Latitude + ((random.NextDouble() - 0.5) * 0.004), 6);
            var longitude = Math.Round(community.Longitude + ((random.NextDouble() - 0.5) * 0.006), 6);
            var name = FamilyNames[random.Next(FamilyNames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var home = new ResidentPlace(community.RegionCode, community.RegionPath, latitude, longitude,
                string.Create(CultureInfo.InvariantCulture, $"{community.RegionCode} {1 + random.Next(120)}号"));
            var resident = new Resident(Guid.CreateVersion7(now), string.Create(CultureInfo.InvariantCulture, $"SYN-{number:D8}"), name, home, now);

            var age = AgeAt(random);
            resident.BirthYear = year - age;
            var needs = SpecialNeeds.None;
            if (age >= 65)
            {
                needs |= SpecialNeeds.Elderly;
                if (random.NextDouble() < 0.2)
                {
                    needs |= SpecialNeeds.ElderlyLivingAlone;
                }
            }

            needs |= random.NextDouble() < 0.012 ? SpecialNeeds.HearingImpaired : SpecialNeeds.None;
            needs |= random.NextDouble() < 0.008 ? SpecialNeeds.VisuallyImpaired : SpecialNeeds.None;
            needs |= random.NextDouble() < (age >= 65 ? 0.08 : 0.01) ? SpecialNeeds.MobilityImpaired : SpecialNeeds.None;
            needs |= random.NextDouble() < 0.004 ? SpecialNeeds.PowerDependentDevice : SpecialNeeds.None;
            if (random.NextDouble() < 0.03)
            {
                needs |= SpecialNeeds.NonChineseSpeaker;
                resident.Language = ForeignLanguages[random.Next(ForeignLanguages.Length)];
            }

            resident.Needs = needs;

            // Most people carry a mobile; many elderly people living alone only have a landline.
            var hasMobile = random.NextDouble() < ((needs & SpecialNeeds.ElderlyLivingAlone) != 0 ? 0.6 : 0.97);
            resident.Mobile = hasMobile ? string.Create(CultureInfo.InvariantCulture, $"+86199{number % 100_000_000:D8}") : null;
            resident.Landline = random.NextDouble() < (age >= 65 ? 0.7 : 0.2)
                ? string.Create(CultureInfo.InvariantCulture, $"+86105{number % 10_000_000:D7}")
                : null;
            resident.Email = random.NextDouble() < (age >= 65 ? 0.1 : 0.5)
                ? string.Create(CultureInfo.InvariantCulture, $"resident{number}@example.org")
                : null;
            if (random.NextDouble() < 0.1)
            {
                resident.Trainings.Add(new TrainingRecord("first-aid", DateOnly.FromDateTime(now.UtcDateTime).AddDays(-random.Next(30, 1500))));
            }

            yield return resident;
        }
    }

    private static int AgeAt(Random random)
    {
        // Roughly the age pyramid of an older Chinese city: 15 % children, 65 % of working age, 20 % 65+.
        var draw = random.NextDouble();
        return draw switch
        {
            < 0.15 => random.Next(1, 18),
            < 0.80 => random.Next(18, 65),
            _ => random.Next(65, 96),
        };
    }
}
