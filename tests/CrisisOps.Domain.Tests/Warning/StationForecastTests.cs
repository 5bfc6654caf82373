using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class StationForecastTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan[] Horizons = [TimeSpan.FromHours(6), TimeSpan.FromHours(24), TimeSpan.FromHours(72)];

    // The shipped rules for flood and waterlogging.
    private const string Rules = """
        {
          "version": 1,
          "hazards": {
            "flood": { "rules": [
              { "id": "river-level", "kind": "threshold", "station": "water-level" },
              { "id": "river-rise-1h", "kind": "rate-of-rise", "station": "water-level", "window": "01:00:00", "limits": [0.1, 0.25, 0.5, 1.0] } ] },
            "waterlogging": { "rules": [
              { "id": "rain-1h", "kind": "rolling-sum", "station": "rainfall", "window": "01:00:00", "limits": [10, 20, 35, 50] },
              { "id": "rain-3h", "kind": "rolling-sum", "station": "rainfall", "window": "03:00:00", "limits": [20, 40, 60, 90] },
              { "id": "rain-24h", "kind": "rolling-sum", "station": "rainfall", "window": "1.00:00:00", "limits": [50, 100, 150, 250] } ] }
          }
        }
        """;

    private static readonly RiskRuleSet RuleSet = RiskRuleSet.Parse(Rules);

    private static Station Gauge() => new(new StationDefinition(new RegionCode("G1"), "水位", "Gauge", StationKind.WaterLevel,
        new GeoPoint(48.4, 15.6), "m", new ValidRange(0, 15), new TierThresholds(3.0, 4.5, 6.0, 7.5), false), "C1", "/P/C1/", Now);

    private static Station RainGauge() => new(new StationDefinition(new RegionCode("R1"), "雨量", "Rain", StationKind.Rainfall,
        new GeoPoint(48.4, 15.6), "mm", new ValidRange(0, 300), new TierThresholds(10, 20, 35, 50), false), "C1", "/P/C1/", Now);

    /// <summary>Readings every 15 minutes over the last <paramref name="hours"/> hours, on a straight line ending at <paramref name="last"/>.</summary>
    private static List<(DateTimeOffset, double)> Rising(double last, double perHour, int hours = 6) =>
        [.. Enumerable.Range(0, hours * 4 + 1).Select(i => (Now.AddMinutes(-15 * (hours * 4 - i)), last - perHour * (hours * 4 - i) / 4.0))];

    [Fact]
    public void Forecast_WhenGaugeRises_GivesCrossingsPerTierAndProjections()
    {
        // 5.0 m now, rising 0.25 m/h: warning (6.0) in 4 h, emergency (7.5) in 10 h.
        var forecast = StationForecaster.Forecast(Gauge(), Rising(5.0, 0.25), [], Now, Horizons);

        Assert.Equal(ForecastBasis.Trend, forecast.Basis);
        Assert.Equal(0.25, forecast.Trend!.SlopePerHour, 9);
        var byTier = forecast.Crossings.ToDictionary(c => c.Tier);
        Assert.Equal(CrossingOutlook.Reached, byTier[WarningTier.Attention].Outlook);
        Assert.Equal(CrossingOutlook.Expected, byTier[WarningTier.Warning].Outlook);
        Assert.Equal(TimeSpan.FromHours(4), byTier[WarningTier.Warning].Likely);
        Assert.Equal(TimeSpan.FromHours(10), byTier[WarningTier.Emergency].Likely);

        var at6 = forecast.Projections[0];
        Assert.Equal(6.5, at6.Likely, 9);
        Assert.Equal(WarningTier.Warning, at6.Tier);

        // +72 h on the line would be 23 m; a gauge reads at most 15.
        Assert.Equal(15, forecast.Projections[2].Likely);
    }

    [Fact]
    public void Forecast_WhenNoisy_BandBracketsTheLikelyCrossing()
    {
        var state = 7u;
        var noisy = Rising(5.0, 0.25).Select(r =>
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return (r.Item1, r.Item2 + (state / (double)uint.MaxValue - 0.5) * 0.2);
        }).ToList();

        var warning = StationForecaster.Forecast(Gauge(), noisy, [], Now, Horizons).Crossings.Single(c => c.Tier == WarningTier.Warning);

        Assert.Equal(CrossingOutlook.Expected, warning.Outlook);
        Assert.True(warning.Earliest < warning.Likely && warning.Likely < warning.Latest, $"{warning.Earliest} {warning.Likely} {warning.Latest}");
        Assert.InRange(warning.Likely!.Value.TotalHours, 3, 5);
    }

    [Fact]
    public void Forecast_WhenRisingTooSlowly_SaysNotWithin72Hours()
    {
        // 3.1 m rising 1 cm/h: attention (4.5) in 140 h.
        var forecast = StationForecaster.Forecast(Gauge(), Rising(3.1, 0.01), [], Now, Horizons);

        var attention = forecast.Crossings.Single(c => c.Tier == WarningTier.Attention);
        Assert.Equal(CrossingOutlook.NotWithinHorizon, attention.Outlook);
        Assert.Null(attention.Likely);
        Assert.Equal(CrossingOutlook.Reached, forecast.Crossings.Single(c => c.Tier == WarningTier.General).Outlook);
    }

    [Fact]
    public void Forecast_WhenFalling_ExpectsNothingAndProjectsDown()
    {
        var forecast = StationForecaster.Forecast(Gauge(), Rising(5.0, -0.3), [], Now, Horizons);

        Assert.Equal(TrendDirection.Falling, forecast.Trend!.Direction);
        Assert.All(forecast.Crossings.Where(c => c.Outlook != CrossingOutlook.Reached), c => Assert.Equal(CrossingOutlook.NotWithinHorizon, c.Outlook));
        Assert.Equal(3.2, forecast.Projections[0].Likely, 9);
        Assert.Equal(0, forecast.Projections[2].Likely);
    }

    [Fact]
    public void Forecast_WhenTooFewReadings_GivesNoForecastWithTheReason()
    {
        var forecast = StationForecaster.Forecast(Gauge(), [(Now.AddMinutes(-30), 5.0), (Now, 5.2)], [], Now, Horizons);

        Assert.Equal(ForecastBasis.None, forecast.Basis);
        Assert.Contains("needs at least 4", forecast.NoForecastReason, StringComparison.Ordinal);
        Assert.Empty(forecast.Projections);
        Assert.Equal(CrossingOutlook.Unknown, forecast.Crossings.Single(c => c.Tier == WarningTier.Warning).Outlook);
        Assert.Equal(CrossingOutlook.Reached, forecast.Crossings.Single(c => c.Tier == WarningTier.Attention).Outlook);
    }

    [Fact]
    public void Forecast_WhenRainGaugeRisesWithoutPostedForecast_DoesNotExtrapolate()
    {
        // Rain growing hour by hour is not a trend: nothing ahead without a forecast.
        var rain = Enumerable.Range(0, 6).Select(i => (Now.AddHours(-5 + i), 5.0 * (i + 1))).ToList();

        var forecast = StationForecaster.Forecast(RainGauge(), rain, [], Now, Horizons);

        Assert.Equal(ForecastBasis.None, forecast.Basis);
        Assert.Null(forecast.Trend);
        Assert.Contains("no forecast input", forecast.NoForecastReason, StringComparison.Ordinal);
        Assert.All(forecast.Projections, p => Assert.Equal(0, p.Likely));
        Assert.Equal(CrossingOutlook.NotWithinHorizon, forecast.Crossings.Single(c => c.Tier == WarningTier.Emergency).Outlook);
    }

    [Fact]
    public void Forecast_WhenRainGaugeHasPostedForecast_UsesItForCrossingsAndTotals()
    {
        var posted = new List<(DateTimeOffset, double)> { (Now.AddHours(-1), 99), (Now.AddHours(4), 15), (Now.AddHours(5), 40), (Now.AddHours(30), 5) };

        var forecast = StationForecaster.Forecast(RainGauge(), [(Now, 2.0)], posted, Now, Horizons);

        Assert.Equal(ForecastBasis.PostedForecast, forecast.Basis);
        Assert.Equal(3, forecast.PostedSeries.Count);
        Assert.Equal(TimeSpan.FromHours(4), forecast.Crossings.Single(c => c.Tier == WarningTier.General).Likely);
        Assert.Equal(TimeSpan.FromHours(5), forecast.Crossings.Single(c => c.Tier == WarningTier.Warning).Likely);
        Assert.Equal(CrossingOutlook.NotWithinHorizon, forecast.Crossings.Single(c => c.Tier == WarningTier.Emergency).Outlook);
        Assert.Equal([55.0, 55.0, 60.0], forecast.Projections.Select(p => p.Likely).ToArray());
        Assert.Equal(ProjectionKind.Total, forecast.Projections[0].Kind);
    }

    [Fact]
    public void Predicted_WhenGaugeRises_ReachesWarningAt6HoursWithTheSameRules()
    {
        var flood = RuleSet.Hazards.Single(h => h.Hazard == "flood");
        var gauge = Gauge();
        var history = new[] { new StationSeries(gauge, Rising(5.0, 0.25)) };
        var forecasts = new Dictionary<string, StationForecast> { [gauge.Code] = StationForecaster.Forecast(gauge, history[0].Readings, [], Now, Horizons) };

        var now = RiskForecast.Score(flood, RiskForecast.Project(history, forecasts, Now, TimeSpan.Zero));
        var at6 = RiskForecast.Score(flood, RiskForecast.Project(history, forecasts, Now, TimeSpan.FromHours(6)));

        Assert.Equal(WarningTier.Attention, now.Tier);
        Assert.Equal(now.Score.Score, RiskModel.Score(flood, history, Now).Score, 9);

        // 6.5 m at +6 h scores 3 + 0.5/1.5; the rise of 0.25 m/h scores 2.0.
        Assert.Equal(WarningTier.Warning, at6.Tier);
        Assert.Equal(3 + 0.5 / 1.5, at6.Score.Score, 6);
        Assert.Equal(Now.AddHours(6), at6.At);
        var level = at6.Score.Contributions.Single(c => c.Rule == "river-level");
        Assert.Equal(6.5, level.Value, 6);
        Assert.Equal(0.25, at6.Score.Contributions.Single(c => c.Rule == "river-rise-1h").Value, 6);
    }

    [Fact]
    public void Predicted_WhenRainIsForecast_RaisesWaterloggingAheadButNotNow()
    {
        var waterlogging = RuleSet.Hazards.Single(h => h.Hazard == "waterlogging");
        var rain = RainGauge();
        var history = new[] { new StationSeries(rain, [(Now.AddHours(-2), 0.0), (Now.AddHours(-1), 1.0), (Now, 0.0)]) };
        var posted = new List<(DateTimeOffset, double)> { (Now.AddHours(4), 20), (Now.AddHours(5), 20), (Now.AddHours(6), 20) };
        var withForecast = new Dictionary<string, StationForecast> { [rain.Code] = StationForecaster.Forecast(rain, history[0].Readings, posted, Now, Horizons) };
        var without = new Dictionary<string, StationForecast> { [rain.Code] = StationForecaster.Forecast(rain, history[0].Readings, [], Now, Horizons) };

        var tiers = new[] { 0, 6, 72 }.Select(h => RiskForecast.Score(waterlogging, RiskForecast.Project(history, withForecast, Now, TimeSpan.FromHours(h))).Tier).ToArray();
        var unforecast = RiskForecast.Score(waterlogging, RiskForecast.Project(history, without, Now, TimeSpan.FromHours(6)));

        // +6 h: 20 mm in the last hour (attention) and 60 mm in three (warning); by +72 h it has left every window.
        Assert.Equal([WarningTier.None, WarningTier.Warning, WarningTier.None], tiers);
        Assert.Equal(WarningTier.None, unforecast.Tier);
    }
}
