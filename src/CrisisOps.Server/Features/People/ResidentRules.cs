using System.Globalization;
using System.Net.Mail;
using CrisisOps.Domain.People;
using CrisisOps.Server.Features.Regions;
using RegionInfo = CrisisOps.Server.Features.Regions.RegionInfo;

namespace CrisisOps.Server.Features.People;

/// <summary>
/// A resident as a register row or an edit gives it: every field as text, as the file had it. Column names (the
/// <c>Column</c> of an error) are the English header names of <see cref="ResidentFiles"/>.
/// </summary>
public sealed record ResidentInput(
    string? Reference,
    string? Name,
    string? Community,
    string? Address = null,
    string? Latitude = null,
    string? Longitude = null,
    string? WorkCommunity = null,
    string? Mobile = null,
    string? Landline = null,
    string? Email = null,
    string? PushToken = null,
    string? Language = null,
    string? Needs = null,
    string? BirthYear = null,
    string? Training = null);

/// <summary>A resident that passed every rule: normalised numbers, known regions, parsed needs.</summary>
public sealed record ValidResident(
    string Reference,
    string Name,
    ResidentPlace Home,
    ResidentPlace? Work,
    string? Mobile,
    string? Landline,
    string? Email,
    string? PushToken,
    string Language,
    SpecialNeeds Needs,
    int? BirthYear,
    IReadOnlyList<TrainingRecord> Trainings);

/// <summary>Why a field of a resident was refused.</summary>
public sealed record FieldProblem(string Column, string Message);

/// <summary>
/// The rules a resident's row must meet (docs/people.md). One set of rules for imports and edits, so a profile edited
/// in the console could also have come from a file.
/// </summary>
public sealed class ResidentRules(PhoneNumberRules phones)
{
    public const int OldestBirthYear = 1900;
    public const int ElderlyAge = 65;
    public const int MaxCourseLength = 100;

    private static readonly char[] ListSeparators = [';', '；', '、', '|'];

    /// <summary>
    /// Checks <paramref name="input"/>. <paramref name="homeRegion"/> answers a code with the region if it exists and the
    /// caller may keep residents there (null otherwise); <paramref name="anyRegion"/> answers any existing region.
    /// </summary>
    public ValidResident? Check(ResidentInput input, Func<string, RegionInfo?> homeRegion, Func<string, RegionInfo?> anyRegion, int currentYear,
        List<FieldProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(homeRegion);
        ArgumentNullException.ThrowIfNull(anyRegion);
        ArgumentNullException.ThrowIfNull(problems);
        var start = problems.Count;
        void Problem(string column, string message) => problems.Add(new FieldProblem(column, message));

        var reference = Clean(input.Reference);
        if (reference is null)
        {
            Problem("reference", "missing reference");
        }
        else if (reference.Length > Resident.MaxReferenceLength)
        {
            Problem("reference", $"reference has {reference.Length} characters; at most {Resident.MaxReferenceLength}");
        }

        var name = Clean(input.Name);
        if (name is null)
        {
            Problem("name", "missing name");
        }
        else if (name.Length > Resident.MaxNameLength)
        {
            Problem("name", $"name has {name.Length} characters; at most {Resident.MaxNameLength}");
        }

        var community = Clean(input.Community);
        RegionInfo? home = null;
        if (community is null)
        {
            Problem("community", "missing community (region code)");
        }
        else if ((home = homeRegion(community)) is null)
        {
            Problem("community", $"unknown region '{community}' (or outside your jurisdiction)");
        }

        var address = Clean(input.Address);
        if (address is { Length: > Resident.MaxAddressLength })
        {
            Problem("address", $"address has {address.Length} characters; at most {Resident.MaxAddressLength}");
        }

        var latitude = Coordinate(input.Latitude, "latitude", -90, 90, Problem);
        var longitude = Coordinate(input.Longitude, "longitude", -180, 180, Problem);
        if ((Clean(input.Latitude) is null) != (Clean(input.Longitude) is null))
        {
            Problem(Clean(input.Latitude) is null ? "latitude" : "longitude", "a point needs both latitude and longitude");
        }

        RegionInfo? work = null;
        var workCode = Clean(input.WorkCommunity);
        if (workCode is not null && (work = anyRegion(workCode)) is null)
        {
            Problem("work_community", $"unknown region '{workCode}'");
        }

        var mobile = Phone(input.Mobile, "mobile", true, Problem);
        var landline = Phone(input.Landline, "landline", false, Problem);

        var email = Clean(input.Email);
        if (email is not null && (email.Length > Resident.MaxEmailLength || !MailAddress.TryCreate(email, out var parsed)
                || !string.Equals(parsed.Address, email, StringComparison.Ordinal)))
        {
            Problem("email", $"'{email}' is not an e-mail address");
        }

        var pushToken = Clean(input.PushToken);
        if (pushToken is { Length: > Resident.MaxPushTokenLength })
        {
            Problem("push_token", $"push token has {pushToken.Length} characters; at most {Resident.MaxPushTokenLength}");
        }

        var language = Language(input.Language, Problem);

        var needs = SpecialNeedsWords.Parse(input.Needs, out var unknownNeeds);
        if (unknownNeeds.Count > 0)
        {
            Problem("needs", $"unknown special need '{string.Join("', '", unknownNeeds)}'; known: {string.Join(", ", SpecialNeedsWords.Words)} (or 独居老人, 听障, 视障, 行动不便, …)");
        }

        int? birthYear = null;
        if (Clean(input.BirthYear) is { } yearText)
        {
            if (int.TryParse(yearText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var year)
                || double.TryParse(yearText, NumberStyles.Float, CultureInfo.InvariantCulture, out var asDouble) && asDouble == Math.Floor(asDouble)
                && asDouble is >= int.MinValue and <= int.MaxValue && (year = (int)asDouble) == asDouble)
            {
                if (year < OldestBirthYear || year > currentYear)
                {
                    Problem("birth_year", $"birth year {year} is not between {OldestBirthYear} and {currentYear}");
                }
                else
                {
                    birthYear = year;

                    // Age decides the elderly segment: registers note the year, not the flag.
                    needs |= currentYear - year >= ElderlyAge ? SpecialNeeds.Elderly : SpecialNeeds.None;
                }
            }
            else
            {
                Problem("birth_year", $"birth year '{yearText}' is not a year");
            }
        }

        var trainings = Trainings(input.Training, Problem);

        if (problems.Count > start)
        {
            return null;
        }

        return new ValidResident(reference!, name!, new ResidentPlace(home!.Code, home.Path, latitude, longitude, address),
            work is null ? null : new ResidentPlace(work.Code, work.Path, null, null, null),
            mobile, landline, email, pushToken, language!, needs, birthYear, trainings);
    }

    /// <summary>Writes <paramref name="valid"/> onto <paramref name="resident"/>; true when anything changed (then the row is touched).</summary>
    public static bool Apply(Resident resident, ValidResident valid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resident);
        ArgumentNullException.ThrowIfNull(valid);
        var changed = !string.Equals(resident.Name, valid.Name, StringComparison.Ordinal)
            || resident.HomeRegionCode != valid.Home.RegionCode || resident.HomeRegionPath != valid.Home.RegionPath
            || resident.HomeLatitude != valid.Home.Latitude || resident.HomeLongitude != valid.Home.Longitude
            || resident.HomeAddress != valid.Home.Address
            || resident.WorkRegionCode != valid.Work?.RegionCode || resident.WorkRegionPath != valid.Work?.RegionPath
            || resident.Mobile != valid.Mobile || resident.Landline != valid.Landline || resident.Email != valid.Email
            || resident.PushToken != valid.PushToken || resident.Language != valid.Language || resident.Needs != valid.Needs
            || resident.BirthYear != valid.BirthYear || !resident.Trainings.SequenceEqual(valid.Trainings);
        if (!changed)
        {
            return false;
        }

        resident.Rename(valid.Name);
        resident.MoveHome(valid.Home);
        if (resident.WorkRegionCode != valid.Work?.RegionCode || resident.WorkRegionPath != valid.Work?.RegionPath)
        {
            resident.SetWork(valid.Work);
        }

        CopyDetails(valid, resident);
        resident.Touch(now);
        return true;
    }

    /// <summary>A new resident from a valid row.</summary>
    public static Resident Create(ValidResident valid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var resident = new Resident(Guid.CreateVersion7(now), valid.Reference, valid.Name, valid.Home, now);
        resident.SetWork(valid.Work);
        CopyDetails(valid, resident);
        return resident;
    }

    /// <summary>Everything of a row beyond name and places: contacts, language, needs, birth year, training.</summary>
    private static void CopyDetails(ValidResident valid, Resident resident)
    {
        resident.Mobile = valid.Mobile;
        resident.Landline = valid.Landline;
        resident.Email = valid.Email;
        resident.PushToken = valid.PushToken;
        resident.Language = valid.Language;
        resident.Needs = valid.Needs;
        resident.BirthYear = valid.BirthYear;
        resident.Trainings = [.. valid.Trainings];
    }

    /// <summary>Training history as a register cell: <c>course@yyyy-MM-dd</c>, several separated by ';'.</summary>
    public static string TrainingText(IEnumerable<TrainingRecord> trainings) =>
        string.Join(";", trainings.Select(t => $"{t.Course}@{t.CompletedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"));

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static double? Coordinate(string? text, string column, double min, double max, Action<string, string> problem)
    {
        if (Clean(text) is not { } value)
        {
            return null;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < min || number > max
            || !double.IsFinite(number))
        {
            problem(column, $"{column} '{value}' is not a number from {min} to {max}");
            return null;
        }

        return number;
    }

    private string? Phone(string? text, string column, bool mobile, Action<string, string> problem)
    {
        if (Clean(text) is not { } value)
        {
            return null;
        }

        var e164 = phones.Normalise(value, mobile, out var error);
        if (e164 is null)
        {
            problem(column, $"{column}: {error}");
        }

        return e164;
    }

    private static string? Language(string? text, Action<string, string> problem)
    {
        if (Clean(text) is not { } tag)
        {
            return "zh-CN";
        }

        // ICU's predefined cultures are the tags we can say anything in; "xx" or "english" are not BCP 47 tags it knows.
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag.Replace('_', '-'), predefinedOnly: true);
            if (culture.Name.Length > 0 && culture.Name.Length <= 35)
            {
                return culture.Name;
            }
        }
        catch (CultureNotFoundException)
        {
        }

        problem("language", $"'{tag}' is not a known BCP 47 language tag (e.g. zh-CN, en, ug, bo, ko)");
        return null;
    }

    private static List<TrainingRecord> Trainings(string? text, Action<string, string> problem)
    {
        var list = new List<TrainingRecord>();
        foreach (var part in (text ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.LastIndexOf('@');
            var course = at > 0 ? part[..at].Trim() : "";
            if (at <= 0 || course.Length > MaxCourseLength
                || !DateOnly.TryParseExact(part[(at + 1)..].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problem("training", $"training '{part}' is not course@yyyy-MM-dd (course up to {MaxCourseLength} characters)");
                continue;
            }

            list.Add(new TrainingRecord(course, date));
        }

        if (list.Count > Resident.MaxTrainings)
        {
            problem("training", $"{list.Count} trainings; at most {Resident.MaxTrainings}");
        }

        return list;
    }
}
