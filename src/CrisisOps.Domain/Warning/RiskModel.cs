using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>A station's recent readings, as the risk model needs them (oldest first).</summary>
public sealed record StationSeries(Station Station, IReadOnlyList<(DateTimeOffset Time, double Value)> Readings);

/// <summary>What one rule saw at one station, and the score it gave: the explanation of a tier.</summary>
public sealed record RuleContribution(string Rule, string Station, double Value, double Score, string Explanation);

/// <summary>
/// A hazard's score in a region, 0–4 on the tier scale (1 = general … 4 = emergency, fractions
/// in between), with every contribution that made it.
/// </summary>
public sealed record HazardScore(string Hazard, double Score, IReadOnlyList<RuleContribution> Contributions)
{
    public WarningTier RawTier => (WarningTier)Math.Clamp((int)Math.Floor(Score), 0, 4);
}

/// <summary>
/// The risk model (风险图谱): applies a hazard's rules to the stations of a region. A score is the
/// highest any rule gives; each rule scores a value against its four limits, linearly between them,
/// so 4.5 m between the attention (4.5) and warning (6.0) limits of a gauge scores 2.0, and 5.25 m
/// scores 2.5.
/// </summary>
public static class RiskModel
{
    public static HazardScore Score(HazardRules hazard, IReadOnlyList<StationSeries> stations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentNullException.ThrowIfNull(stations);
        var contributions = new List<RuleContribution>();
        foreach (var rule in hazard.Rules)
        {
            foreach (var series in stations.Where(s => s.Station.Kind == rule.StationKind && s.Readings.Count > 0))
            {
                if (Apply(rule, series, now) is { } contribution)
                {
                    contributions.Add(contribution);
                }
            }
        }

        var score = contributions.Count == 0 ? 0 : contributions.Max(c => c.Score);
        return new HazardScore(hazard.Hazard, score, [.. contributions.OrderByDescending(c => c.Score)]);
    }

    /// <summary>
    /// The tier to show, given the one shown before: a rise takes effect at once; a fall only once
    /// the score is <paramref name="hysteresis"/> below the start of the tier shown, so a value
    /// hovering at a threshold does not flap.
    /// </summary>
    public static WarningTier WithHysteresis(WarningTier previous, double score, double hysteresis)
    {
        var raw = (WarningTier)Math.Clamp((int)Math.Floor(score), 0, 4);
        if (raw >= previous)
        {
            return raw;
        }

        for (var tier = previous; tier > raw; tier--)
        {
            if (score >= (int)tier - hysteresis)
            {
                return tier;
            }
        }

        return raw;
    }

    /// <summary>Position of a value on the tier scale given the four limits where tiers 1–4 begin.</summary>
    public static double ScaleOf(double value, IReadOnlyList<double?> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var points = new List<(int Tier, double Limit)>();
        for (var i = 0; i < limits.Count; i++)
        {
            if (limits[i] is { } limit)
            {
                points.Add((i + 1, limit));
            }
        }

        if (points.Count == 0 || value < points[0].Limit)
        {
            // Below the first limit: the fraction of the way from zero to it (under 1), so a trend shows
            // before any tier is reached.
            return points.Count == 0 || points[0].Limit <= 0 ? 0 : Math.Clamp(value / points[0].Limit, 0, 0.99);
        }

        for (var i = 0; i < points.Count - 1; i++)
        {
            var (tier, low) = points[i];
            var (nextTier, high) = points[i + 1];
            if (value < high)
            {
                return high > low ? tier + (value - low) / (high - low) * (nextTier - tier) : tier;
            }
        }

        return points[^1].Tier;
    }

    private static RuleContribution? Apply(RiskRule rule, StationSeries series, DateTimeOffset now)
    {
        var station = series.Station;
        var latest = series.Readings[^1];
        switch (rule.Kind)
        {
            case RuleKind.Threshold:
            {
                var t = station.Thresholds;
                var score = ScaleOf(latest.Value, [t.General, t.Attention, t.Warning, t.Emergency]);
                return new RuleContribution(rule.Id, station.Code, latest.Value, score, Invariant(
                    $"{station.Code} latest {latest.Value} {station.Unit} at {latest.Time:HH:mm} (thresholds {t.General}/{t.Attention}/{t.Warning}/{t.Emergency})"));
            }

            case RuleKind.RateOfRise:
            {
                var window = series.Readings.Where(r => r.Time > now - rule.Window && r.Time <= now).ToList();
                if (window.Count < 2 || window[^1].Time - window[0].Time < TimeSpan.FromMinutes(10))
                {
                    return null;
                }

                var perHour = (window[^1].Value - window[0].Value) / (window[^1].Time - window[0].Time).TotalHours;
                var score = ScaleOf(perHour, [.. rule.Limits.Select(l => (double?)l)]);
                return new RuleContribution(rule.Id, station.Code, perHour, score, Invariant(
                    $"{station.Code} rising {perHour:0.###} {station.Unit}/h over {rule.Window.TotalHours:0.#} h (limits {string.Join('/', rule.Limits)})"));
            }

            case RuleKind.RollingSum:
            {
                var sum = series.Readings.Where(r => r.Time > now - rule.Window && r.Time <= now).Sum(r => r.Value);
                var score = ScaleOf(sum, [.. rule.Limits.Select(l => (double?)l)]);
                return new RuleContribution(rule.Id, station.Code, sum, score, Invariant(
                    $"{station.Code} {sum:0.#} {station.Unit} over {rule.Window.TotalHours:0.#} h (limits {string.Join('/', rule.Limits)})"));
            }

            default:
                return null;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
