namespace CrisisOps.Domain.Warning;

/// <summary>
/// What the world is expected to look like some hours ahead: the inputs the risk model scores,
/// projected. Today these are station series (history plus projected readings); this record is
/// the one place further forecast inputs join them.
/// </summary>
/// <param name="At">The moment the inputs describe (now + the horizon).</param>
/// <param name="Ahead">How far ahead of now that is.</param>
/// <param name="Stations">Each station's readings up to now followed by its projected readings up to <paramref name="At"/>.</param>
public sealed record ProjectedInputs(DateTimeOffset At, TimeSpan Ahead, IReadOnlyList<StationSeries> Stations)
{
    /// <summary>
    /// Official warnings covering the region that may be in force by then — a red rainstorm warning
    /// issued now for tomorrow counts at +24 h; the model checks each one's own validity at <see cref="At"/>.
    /// </summary>
    public IReadOnlyList<WarningFact> Warnings { get; init; } = [];
}

/// <summary>A hazard's predicted score at one horizon; the tier is the score's whole part, without hysteresis.</summary>
public sealed record HorizonScore(TimeSpan Ahead, DateTimeOffset At, HazardScore Score)
{
    public WarningTier Tier => Score.RawTier;
}

/// <summary>
/// The predicted tier of a region some hours ahead (风险预测): the region's station series are
/// projected to the horizon, then scored by the SAME rules the risk map uses, as of that moment.
/// The tier is the raw tier of the score — hysteresis keeps a shown tier from flapping, which a
/// prediction has no tier shown before it to need.
/// </summary>
public static class RiskForecast
{
    /// <summary>
    /// Builds the projected inputs of one region at <paramref name="now"/> + <paramref name="ahead"/>:
    /// <list type="bullet">
    /// <item>a station forecast from its trend gets readings on the likely line every
    /// <see cref="ForecastOptions.ProjectionStep"/> (so level and rate-of-rise rules both see it), clamped to its valid range;</item>
    /// <item>a rain gauge with a posted forecast gets the forecast amounts up to the horizon as readings;</item>
    /// <item>a station without a forecast keeps only its history: a level stays at its latest value
    /// (the threshold rule reads the latest reading), and rain adds nothing beyond what has fallen —
    /// rolling sums forget it as their windows move on.</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// Seam for official forecast warnings: a CAP warning whose onset lies ahead (a red rainstorm
    /// warning for tomorrow) belongs in these inputs — the warnings in force at <c>At</c> (onset ≤ At &lt;
    /// expires) added here as a further member, and <see cref="Score"/> then scoring them through the
    /// risk model's overload that takes warnings. Nothing stands in for them until then.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A horizon outside 0–72 h, or a projection step that is not positive.</exception>
    public static ProjectedInputs Project(IReadOnlyList<StationSeries> history, IReadOnlyDictionary<string, StationForecast> forecasts,
        DateTimeOffset now, TimeSpan ahead, ForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(forecasts);
        if (ahead < TimeSpan.Zero || ahead > ForecastOptions.MaxHorizon)
        {
            throw new ArgumentOutOfRangeException(nameof(ahead), ahead, "A forecast looks 0–72 hours ahead.");
        }

        options ??= ForecastOptions.Default;
        if (options.ProjectionStep <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ProjectionStep, "The projection step must be positive.");
        }

        var at = now + ahead;
        var projected = new List<StationSeries>(history.Count);
        foreach (var series in history)
        {
            var readings = series.Readings.Where(r => r.Time <= now).ToList();
            var forecast = forecasts.GetValueOrDefault(series.Station.Code);
            switch (forecast?.Basis)
            {
                case ForecastBasis.Trend when forecast.Trend is { } trend && ahead > TimeSpan.Zero:
                    for (var t = options.ProjectionStep; ; t += options.ProjectionStep)
                    {
                        var step = t < ahead ? t : ahead;
                        readings.Add((now + step, series.Station.Range.Clamp(trend.Likely(step + (now - trend.AsOf)))));
                        if (step == ahead)
                        {
                            break;
                        }
                    }

                    break;
                case ForecastBasis.PostedForecast:
                    readings.AddRange(forecast.PostedSeries.Where(p => p.Time > now && p.Time <= at));
                    break;
            }

            projected.Add(series with { Readings = readings });
        }

        return new ProjectedInputs(at, ahead, projected);
    }

    /// <summary>Scores a hazard on projected inputs with the risk model's own rules, as of the projected moment.</summary>
    public static HorizonScore Score(HazardRules hazard, ProjectedInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return new HorizonScore(inputs.Ahead, inputs.At, RiskModel.Score(hazard, new RiskInputs(inputs.Stations, [], [], inputs.Warnings, null), inputs.At));
    }
}
