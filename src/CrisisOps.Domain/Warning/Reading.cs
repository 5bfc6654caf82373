namespace CrisisOps.Domain.Warning;

/// <summary>
/// One measured value. <see cref="ReadingId"/> is the sender's own id: sending the same reading
/// again (a retry) is recognised and stored once.
/// </summary>
public sealed class Reading
{
    private Reading() { }

    public Reading(string stationCode, string readingId, DateTimeOffset time, double value, DateTimeOffset receivedAt)
    {
        StationCode = stationCode;
        ReadingId = readingId;
        Time = time;
        Value = value;
        ReceivedAt = receivedAt;
    }

    public long Id { get; private set; }

    public string StationCode { get; private set; } = "";

    public string ReadingId { get; private set; } = "";

    public DateTimeOffset Time { get; private set; }

    public double Value { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }
}

/// <summary>A reading as it arrives, before any check.</summary>
public sealed record IncomingReading(string? Station, string? ReadingId, DateTimeOffset? Time, double? Value, string? Unit);

/// <summary>Why one incoming reading was refused.</summary>
public sealed record ReadingRejection(int Index, string? Station, string? ReadingId, string Reason);

/// <summary>The readings of a batch that passed every check, and why the others did not.</summary>
public sealed record ReadingBatchCheck(IReadOnlyList<Reading> Accepted, IReadOnlyList<ReadingRejection> Rejected);

/// <summary>
/// The rules a reading must pass to be stored: a known station, a reading id, a finite value
/// inside the station's valid range, the station's unit, a time neither in the future (beyond
/// clock skew) nor older than the retention window, and no id repeated within the batch.
/// </summary>
public static class ReadingRules
{
    /// <summary>Senders' clocks drift; a reading up to this far ahead is taken as now-ish.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Older readings no longer describe the present and are refused (backfills go through the backtest tools).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    public const int MaxReadingIdLength = 100;

    public static ReadingBatchCheck Check(IReadOnlyList<IncomingReading> items, IReadOnlyDictionary<string, Station> stations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(stations);
        var accepted = new List<Reading>(items.Count);
        var rejected = new List<ReadingRejection>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var reason = Problem(item, stations, now, out var station);
            if (reason is null && !seen.Add((item.Station!, item.ReadingId!)))
            {
                reason = $"reading id '{item.ReadingId}' appears twice in this batch.";
            }

            if (reason is not null)
            {
                rejected.Add(new ReadingRejection(i, item.Station, item.ReadingId, reason));
                continue;
            }

            accepted.Add(new Reading(station!.Code, item.ReadingId!, item.Time!.Value.ToUniversalTime(), item.Value!.Value, now));
        }

        return new ReadingBatchCheck(accepted, rejected);
    }

    private static string? Problem(IncomingReading item, IReadOnlyDictionary<string, Station> stations, DateTimeOffset now, out Station? station)
    {
        station = null;
        if (string.IsNullOrEmpty(item.Station))
        {
            return "missing station.";
        }

        if (!stations.TryGetValue(item.Station, out station))
        {
            return $"unknown station '{item.Station}'.";
        }

        if (string.IsNullOrWhiteSpace(item.ReadingId) || item.ReadingId.Length > MaxReadingIdLength)
        {
            return $"missing reading id (1–{MaxReadingIdLength} characters), which makes a retry harmless.";
        }

        if (item.Value is not { } value)
        {
            return "missing value.";
        }

        if (!double.IsFinite(value))
        {
            return "the value is not a finite number.";
        }

        if (!station.Range.Contains(value))
        {
            return FormattableString.Invariant($"value {value} lies outside the station's valid range [{station.Range.Min}, {station.Range.Max}] {station.Unit}.");
        }

        if (item.Unit is not null && !string.Equals(item.Unit, station.Unit, StringComparison.Ordinal))
        {
            return $"unit '{item.Unit}' does not match the station's unit '{station.Unit}'.";
        }

        if (item.Time is not { } time)
        {
            return "missing time.";
        }

        if (time > now + ClockSkew)
        {
            return FormattableString.Invariant($"time {time:O} is in the future.");
        }

        return time < now - MaxAge ? FormattableString.Invariant($"time {time:O} is older than {MaxAge.TotalDays} days.") : null;
    }
}
