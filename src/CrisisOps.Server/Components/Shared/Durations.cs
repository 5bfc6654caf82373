using System.Globalization;

namespace CrisisOps.Server.Components.Shared;

/// <summary>Short, language-neutral durations for countdowns: <c>59:12</c>, <c>1 h 05 min</c>, <c>2 d 3 h</c>.</summary>
public static class Durations
{
    public static string Short(TimeSpan span)
    {
        var s = span.Duration();
        return s switch
        {
            { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)s.TotalMinutes:00}:{s.Seconds:00}"),
            { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)s.TotalHours} h {s.Minutes:00} min"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)s.TotalDays} d {s.Hours} h"),
        };
    }
}
