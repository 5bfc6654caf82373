using System.Globalization;

namespace CrisisOps.Cli.Output;

/// <summary>Times and durations as people read them in tables.</summary>
internal static class TimeText
{
    /// <summary>
    /// How long until <paramref name="due"/> as seen at <paramref name="now"/>, e.g. "in 42 min"
    /// or "overdue 1 h 05 min". Partial minutes are dropped, so a deadline never looks further
    /// away than it is.
    /// </summary>
    public static string Remaining(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        return left >= TimeSpan.Zero
            ? Localized.Format(Strings.RemainingIn, Duration(left))
            : Localized.Format(Strings.RemainingOverdue, Duration(left.Negate()));
    }

    /// <summary>A non-negative duration in at most two units: "&lt; 1 min", "42 min", "1 h 05 min", "2 d 03 h".</summary>
    public static string Duration(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var totalMinutes = (long)duration.TotalMinutes;
        if (totalMinutes < 1)
        {
            return Strings.DurationUnderOneMinute;
        }

        if (totalMinutes < 60)
        {
            return Localized.Format(Strings.DurationMinutes, totalMinutes);
        }

        var totalHours = totalMinutes / 60;
        if (totalHours < 24)
        {
            return Localized.Format(Strings.DurationHoursMinutes, totalHours, totalMinutes % 60);
        }

        return Localized.Format(Strings.DurationDaysHours, totalHours / 24, totalHours % 24);
    }

    /// <summary>A point in time in the display zone with its offset, e.g. "2025-06-01 16:30 +08:00".</summary>
    public static string Moment(DateTimeOffset? time, TimeZoneInfo zone) =>
        time is { } t
            ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)
            : "—";

    /// <summary>Time of day with seconds in the display zone, for a live feed.</summary>
    public static string Clock(DateTimeOffset? time, TimeZoneInfo zone) =>
        time is { } t
            ? TimeZoneInfo.ConvertTime(t, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : "--:--:--";
}
