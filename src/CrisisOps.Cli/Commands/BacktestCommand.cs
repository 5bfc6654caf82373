using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using CrisisOps.Domain.Warning;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>warning backtest</c>: replays a recorded series through the forecast, offline from a
/// <c>time,value</c> file or with a station's readings fetched from the server, and reports hit
/// rate, false alarms and lead time. The forecast itself runs here, with the server's own code.
/// </summary>
internal static class BacktestCommand
{
    private const int PageSize = 10_000;

    private static readonly Dictionary<string, StationKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["water-level"] = StationKind.WaterLevel,
        ["river-flow"] = StationKind.RiverFlow,
        ["soil-moisture"] = StationKind.SoilMoisture,
        ["crowd-count"] = StationKind.CrowdCount,
        ["pipe-pressure"] = StationKind.PipePressure,
        ["rainfall"] = StationKind.Rainfall,
        ["other"] = StationKind.Other,
    };

    private static readonly Dictionary<string, WarningTier> Tiers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["general"] = WarningTier.General,
        ["attention"] = WarningTier.Attention,
        ["warning"] = WarningTier.Warning,
        ["emergency"] = WarningTier.Emergency,
    };

    public static Command Create(CliRuntime runtime)
    {
        var file = new Argument<FileInfo?>("FILE") { Description = Strings.ArgumentSeriesFile, Arity = ArgumentArity.ZeroOrOne };
        var station = new Option<string>("--station") { Description = Strings.OptionBacktestStation, HelpName = "CODE" };
        var kind = new Option<string>("--station-kind") { Description = Strings.OptionStationKind, HelpName = "KIND", DefaultValueFactory = _ => "water-level" };
        var thresholds = new Option<string>("--thresholds") { Description = Strings.OptionThresholds, HelpName = "G,A,W,E" };
        var horizon = new Option<string>("--horizon") { Description = Strings.OptionHorizon, HelpName = "DURATION", DefaultValueFactory = _ => "6h" };
        var target = new Option<string>("--target") { Description = Strings.OptionTarget, HelpName = "TIER", DefaultValueFactory = _ => "warning" };
        var window = new Option<string>("--window") { Description = Strings.OptionWindow, HelpName = "DURATION", DefaultValueFactory = _ => "6h" };
        var step = new Option<string>("--step") { Description = Strings.OptionStep, HelpName = "DURATION", DefaultValueFactory = _ => "15m" };
        var command = new Command("backtest", Strings.CommandBacktest) { file, station, kind, thresholds, horizon, target, window, step };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file);
            var code = parseResult.GetValue(station);
            if ((path is null) == string.IsNullOrWhiteSpace(code))
            {
                throw new CliUsageException(Strings.BacktestFileOrStation);
            }

            var options = new BacktestOptions
            {
                Target = Word(Tiers, parseResult.GetValue(target)!, "--target"),
                Horizons = [.. parseResult.GetValue(horizon)!.Split(',', StringSplitOptions.TrimEntries).Select(h => Duration(h, "--horizon", allowZero: false))],
                Trend = TrendOptions.Default with { Window = Duration(parseResult.GetValue(window)!, "--window", allowZero: false) },
                Step = Duration(parseResult.GetValue(step)!, "--step", allowZero: true),
            };
            if (options.Horizons.Any(h => h > ForecastOptions.MaxHorizon) || options.Trend.Window < TimeSpan.FromMinutes(10) || options.Trend.Window > TimeSpan.FromHours(72))
            {
                throw new CliUsageException(Strings.BacktestLimits);
            }

            StationKind stationKind;
            TierThresholds tiers;
            List<(DateTimeOffset Time, double Value)> series;
            string name;
            if (path is not null)
            {
                stationKind = Word(Kinds, parseResult.GetValue(kind)!, "--station-kind");
                tiers = Thresholds(parseResult.GetValue(thresholds) ?? throw new CliUsageException(Strings.BacktestThresholdsRequired));
                series = ReadFile(path);
                name = path.Name;
            }
            else
            {
                (stationKind, tiers, series) = await FetchAsync(context, code!.Trim(), cancellationToken);
                name = code!.Trim();
            }

            if (series.Count == 0)
            {
                throw new CliUsageException(Localized.Format(Strings.BacktestEmpty, name));
            }

            if (stationKind.Accumulates())
            {
                throw new CliUsageException(Strings.BacktestRainfall);
            }

            if (Backtest.ThresholdOf(tiers, options.Target) is null)
            {
                throw new CliUsageException(Localized.Format(Strings.BacktestNoThreshold, parseResult.GetValue(target)));
            }

            var report = await RunAsync(context, stationKind, tiers, series, options, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(JsonSerializer.Serialize(ToJson(report), ApiJson.Options));
                return ExitCodes.Success;
            }

            Print(context, name, report);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Replays off the calling thread, with a progress bar on stderr for people at a terminal.</summary>
    private static async Task<BacktestReport> RunAsync(CliContext context, StationKind kind, TierThresholds tiers,
        List<(DateTimeOffset Time, double Value)> series, BacktestOptions options, CancellationToken cancellationToken)
    {
        if (!context.Environment.IsRealConsole || context.Json)
        {
            return await Task.Run(() => Backtest.Run(kind, tiers, series, options, null, cancellationToken), cancellationToken);
        }

        BacktestReport? report = null;
        await context.Error.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask(Markup.Escape(Localized.Format(Strings.BacktestInProgress, series.Count)), maxValue: 1);
            var reporter = new Progress<double>(done => task.Value = done);
            report = await Task.Run(() => Backtest.Run(kind, tiers, series, options, reporter, cancellationToken), cancellationToken);
            task.Value = 1;
        });
        return report!;
    }

    private static List<(DateTimeOffset Time, double Value)> ReadFile(FileInfo path)
    {
        try
        {
            using var reader = path.OpenText();
            return RecordedSeries.ReadCsv(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
        }
        catch (FormatException e)
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
        }
    }

    /// <summary>The station's kind and thresholds (from its trend) and every recorded reading, page by page.</summary>
    private static async Task<(StationKind, TierThresholds, List<(DateTimeOffset, double)>)> FetchAsync(CliContext context, string code,
        CancellationToken cancellationToken)
    {
        var client = context.Connect();
        var path = "api/v1/stations/" + Uri.EscapeDataString(code);
        var trend = await client.GetAsync(path + "/trend", null, cancellationToken);
        using var station = Parse(trend.Body);
        var kindWord = station.RootElement.GetProperty("kind").GetString() ?? "";
        var kind = Kinds.TryGetValue(kindWord, out var k) ? k : StationKind.Other;
        var limits = new Dictionary<WarningTier, double>();
        foreach (var crossing in station.RootElement.GetProperty("crossings").EnumerateArray())
        {
            if (Tiers.TryGetValue(crossing.GetProperty("tier").GetString() ?? "", out var tier))
            {
                limits[tier] = crossing.GetProperty("threshold").GetDouble();
            }
        }

        double? Limit(WarningTier tier) => limits.TryGetValue(tier, out var value) ? value : null;
        var tiers = new TierThresholds(Limit(WarningTier.General), Limit(WarningTier.Attention), Limit(WarningTier.Warning), Limit(WarningTier.Emergency));

        var readings = new List<(DateTimeOffset, double)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var from = DateTimeOffset.UnixEpoch;
        await context.Error.Status().StartAsync(Markup.Escape(Localized.Format(Strings.BacktestFetching, code, 0)), async status =>
        {
            while (true)
            {
                var page = await client.GetAsync(path + "/readings", new QueryParameters
                {
                    { "from", from.ToString("O", CultureInfo.InvariantCulture) },
                    { "limit", PageSize.ToString(CultureInfo.InvariantCulture) },
                }, cancellationToken);
                using var json = Parse(page.Body);
                var added = 0;
                var count = 0;
                foreach (var reading in json.RootElement.EnumerateArray())
                {
                    count++;
                    var time = reading.GetProperty("time").GetDateTimeOffset();

                    // Paging restarts at the last time received, so readings at that time come twice.
                    if (seen.Add(reading.GetProperty("readingId").GetString() ?? ""))
                    {
                        readings.Add((time, reading.GetProperty("value").GetDouble()));
                        added++;
                    }

                    from = time;
                }

                status.Status(Markup.Escape(Localized.Format(Strings.BacktestFetching, code, readings.Count)));
                if (count < PageSize)
                {
                    return;
                }

                if (added == 0)
                {
                    throw new UnexpectedResponseException(Localized.Format(Strings.BacktestPagingStuck, PageSize));
                }
            }
        });
        return (kind, tiers, readings);
    }

    private static JsonDocument Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new UnexpectedResponseException(Localized.Format(Strings.UnreadableResponse, e.Message), e);
        }
    }

    private static void Print(CliContext context, string name, BacktestReport report)
    {
        var target = report.Target switch
        {
            WarningTier.General => Strings.TierGeneral,
            WarningTier.Attention => Strings.TierAttention,
            WarningTier.Emergency => Strings.TierEmergency,
            _ => Strings.TierWarning,
        };
        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.BacktestSummary, name, report.Readings, context.Moment(report.From),
            context.Moment(report.To), target, report.Threshold.ToString(CultureInfo.CurrentCulture), DurationText.Format(report.Trend.Window),
            report.Step <= TimeSpan.Zero ? Strings.BacktestEveryReading : DurationText.Format(report.Step))));
        var table = new Table()
            .AddColumn(Strings.ColumnHorizon)
            .AddColumn(new TableColumn(Strings.ColumnForecasts).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnHits).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnMisses).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnFalseAlarms).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnHitRate).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnFalseAlarmRatio).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnLeadMedian).RightAligned())
            .AddColumn(new TableColumn(Strings.ColumnLeadMin).RightAligned());
        foreach (var h in report.Horizons)
        {
            table.AddRow(
                Markup.Escape(DurationText.Format(h.Horizon)),
                Cells.Number(h.Forecasts),
                Cells.Number(h.Hits),
                Cells.Number(h.Misses),
                Cells.Number(h.FalseAlarms),
                Ratio(h.HitRate),
                Ratio(h.FalseAlarmRatio),
                h.MedianLead is { } median ? Markup.Escape(TimeText.Duration(median)) : Cells.Missing,
                h.MinLead is { } min ? Markup.Escape(TimeText.Duration(min)) : Cells.Missing);
        }

        context.Out.Write(table);
        var arrivals = report.Horizons[0].Arrivals;
        if (arrivals.Count == 0)
        {
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.BacktestNoArrival, target)));
            return;
        }

        for (var i = 0; i < arrivals.Count; i++)
        {
            var leads = string.Join(", ", report.Horizons.Select(h =>
                Localized.Format(Strings.BacktestLeadAt, DurationText.Format(h.Horizon), TimeText.Duration(h.Arrivals[i].Lead))));
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.BacktestArrival, context.Moment(arrivals[i].At),
                arrivals[i].Value.ToString(CultureInfo.CurrentCulture), target, leads)));
        }
    }

    private static string Ratio(double? value) => value is { } v ? Markup.Escape(v.ToString("P0", CultureInfo.CurrentCulture)) : Cells.Missing;

    private static object ToJson(BacktestReport report) => new
    {
        target = report.Target.ToString().ToLowerInvariant(),
        threshold = report.Threshold,
        readings = report.Readings,
        from = report.From,
        to = report.To,
        windowHours = report.Trend.Window.TotalHours,
        stepMinutes = report.Step.TotalMinutes,
        horizons = report.Horizons.Select(h => new
        {
            hours = h.Horizon.TotalHours,
            forecasts = h.Forecasts,
            hits = h.Hits,
            misses = h.Misses,
            falseAlarms = h.FalseAlarms,
            correctNegatives = h.CorrectNegatives,
            withoutTrend = h.WithoutTrend,
            hitRate = h.HitRate,
            falseAlarmRatio = h.FalseAlarmRatio,
            medianLeadHours = h.MedianLead?.TotalHours,
            minLeadHours = h.MinLead?.TotalHours,
            arrivals = h.Arrivals.Select(a => new { at = a.At, value = a.Value, leadHours = a.Lead.TotalHours }),
        }),
    };

    private static T Word<T>(Dictionary<string, T> words, string text, string option) =>
        words.TryGetValue(text.Trim(), out var value)
            ? value
            : throw new CliUsageException(Localized.Format(Strings.InvalidWord, text, option, string.Join(", ", words.Keys)));

    private static TimeSpan Duration(string text, string option, bool allowZero)
    {
        if (allowZero && text.Trim() == "0")
        {
            return TimeSpan.Zero;
        }

        return DurationText.TryParse(text, out var duration) && (duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero))
            ? duration
            : throw new CliUsageException(Localized.Format(Strings.InvalidDuration, text, option));
    }

    /// <summary>Four thresholds, general to emergency; an empty one is a tier the station does not have.</summary>
    private static TierThresholds Thresholds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double?[4];
        if (parts.Length != 4)
        {
            throw new CliUsageException(Localized.Format(Strings.InvalidThresholds, text));
        }

        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length == 0)
            {
                continue;
            }

            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw new CliUsageException(Localized.Format(Strings.InvalidThresholds, text));
            }

            values[i] = v;
        }

        var thresholds = new TierThresholds(values[0], values[1], values[2], values[3]);
        return thresholds.IsAscending() ? thresholds : throw new CliUsageException(Localized.Format(Strings.InvalidThresholds, text));
    }
}
