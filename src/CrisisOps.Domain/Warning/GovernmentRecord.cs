using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>What kind of government record (政府记录) a row is.</summary>
public enum RecordCategory
{
    /// <summary>民政救助诉求 — a request for relief to civil affairs.</summary>
    ReliefRequest = 1,

    /// <summary>信访 — a petition (letters and visits).</summary>
    Petition,

    /// <summary>隐患排查 — a finding of a hazard inspection.</summary>
    HazardFinding,
}

/// <summary>The words a record category is written with, in the API (kebab-case) and in offices' spreadsheets (Chinese).</summary>
public static class RecordCategories
{
    private static readonly Dictionary<string, RecordCategory> ByWord = new(StringComparer.OrdinalIgnoreCase)
    {
        ["relief-request"] = RecordCategory.ReliefRequest,
        ["救助诉求"] = RecordCategory.ReliefRequest,
        ["民政救助诉求"] = RecordCategory.ReliefRequest,
        ["救助"] = RecordCategory.ReliefRequest,
        ["petition"] = RecordCategory.Petition,
        ["信访"] = RecordCategory.Petition,
        ["hazard-finding"] = RecordCategory.HazardFinding,
        ["隐患排查"] = RecordCategory.HazardFinding,
        ["隐患"] = RecordCategory.HazardFinding,
    };

    /// <summary>The API words, for messages listing what is allowed.</summary>
    public static IReadOnlyList<string> Words { get; } = ["relief-request", "petition", "hazard-finding"];

    public static bool TryParse(string? word, out RecordCategory category) =>
        ByWord.TryGetValue(word?.Trim() ?? "", out category);

    public static string Word(this RecordCategory category) => category switch
    {
        RecordCategory.ReliefRequest => "relief-request",
        RecordCategory.Petition => "petition",
        RecordCategory.HazardFinding => "hazard-finding",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };
}

/// <summary>
/// One government record (政府记录) — a relief request, a petition or a hazard-inspection finding —
/// as the office that keeps it reports it: where, when, what kind and how grave, with at most a
/// short summary. It carries no personal data (no names, phone numbers or ID numbers): the risk
/// model needs counts per region, not people. <see cref="SourceId"/> is the office's own number
/// for the record, so importing the same file again stores nothing twice.
/// </summary>
public sealed class GovernmentRecord
{
    public const int MaxSummaryLength = 2000;
    public const int MaxIdLength = 100;

    private GovernmentRecord() { }

    public GovernmentRecord(Guid id, ValidRecord record, DateTimeOffset receivedAt, string receivedBy)
    {
        ArgumentNullException.ThrowIfNull(record);
        Id = id;
        Source = record.Source;
        SourceId = record.SourceId;
        Category = record.Category;
        RegionCode = record.Region.Code;
        RegionPath = record.Region.Path;
        Time = record.Time;
        Severity = record.Severity;
        Summary = record.Summary;
        ReceivedAt = receivedAt;
        ReceivedBy = receivedBy;
    }

    public Guid Id { get; private set; }

    /// <summary>The office the record comes from (来源单位), e.g. <c>KRE-civil-affairs</c>.</summary>
    public string Source { get; private set; } = "";

    /// <summary>The office's own number for the record (编号); unique per <see cref="Source"/>.</summary>
    public string SourceId { get; private set; } = "";

    public RecordCategory Category { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>When it was filed or found.</summary>
    public DateTimeOffset Time { get; private set; }

    /// <summary>1 (minor) … 4 (most grave), as the office grades it.</summary>
    public int Severity { get; private set; }

    public string? Summary { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public string ReceivedBy { get; private set; } = "";
}

/// <summary>A region as a record names it, after lookup (and after the caller's jurisdiction is checked).</summary>
public sealed record RecordRegion(string Code, string Path);

/// <summary>A record as it arrives (a JSON item or a spreadsheet row), every field still text.</summary>
public sealed record IncomingRecord(string? Source, string? SourceId, string? Category, string? Region, string? Time, string? Severity, string? Summary);

/// <summary>A record that passed every check.</summary>
public sealed record ValidRecord(string Source, string SourceId, RecordCategory Category, RecordRegion Region, DateTimeOffset Time, int Severity, string? Summary);

/// <summary>Why one incoming record was refused. <c>Index</c> is its position in the batch (data row for files, 0 = first).</summary>
public sealed record RecordRejection(int Index, string? SourceId, string Reason);

/// <summary>The records of a batch that passed every check, with their batch positions, and why the others did not.</summary>
public sealed record RecordBatchCheck(IReadOnlyList<(int Index, ValidRecord Record)> Accepted, IReadOnlyList<RecordRejection> Rejected);

/// <summary>
/// The rules a government record must pass: a source office and a record number (each at most
/// 100 characters), a known category, a region of ours that the sender may import for, a time
/// that is readable and not in the future, a severity from 1 to 4, a summary of at most 2,000
/// characters, and no record number twice in one batch.
/// </summary>
public static class GovernmentRecordRules
{
    /// <summary>How offices type a time without an offset (spreadsheets keep no zone); read in the configured local zone.</summary>
    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd", "yyyy/M/d"];

    /// <summary>Chinese grading words (一般 / 较大 / 重大 / 特别重大) read as 1–4.</summary>
    private static readonly Dictionary<string, int> SeverityWords = new(StringComparer.Ordinal)
    {
        ["一般"] = 1,
        ["较大"] = 2,
        ["重大"] = 3,
        ["特别重大"] = 4,
    };

    /// <param name="items">The batch, in order (rejections name positions in it).</param>
    /// <param name="region">Finds a region by code; null when there is none or it lies outside the sender's jurisdiction (the same to the sender).</param>
    /// <param name="now">The time of receipt: later times are refused (beyond clock skew).</param>
    /// <param name="localZone">The zone of times written without an offset.</param>
    public static RecordBatchCheck Check(IReadOnlyList<IncomingRecord> items, Func<string, RecordRegion?> region, DateTimeOffset now, TimeZoneInfo localZone)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(localZone);
        var accepted = new List<(int, ValidRecord)>(items.Count);
        var rejected = new List<RecordRejection>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var reason = Problem(item, region, now, localZone, out var valid);
            if (valid is not null && !seen.Add((valid.Source, valid.SourceId)))
            {
                reason = $"record '{valid.SourceId}' of '{valid.Source}' appears twice in this batch.";
            }

            if (reason is not null)
            {
                rejected.Add(new RecordRejection(i, item.SourceId, reason));
                continue;
            }

            accepted.Add((i, valid!));
        }

        return new RecordBatchCheck(accepted, rejected);
    }

    private static string? Problem(IncomingRecord item, Func<string, RecordRegion?> regions, DateTimeOffset now, TimeZoneInfo zone, out ValidRecord? valid)
    {
        valid = null;
        var source = item.Source?.Trim();
        if (string.IsNullOrEmpty(source) || source.Length > GovernmentRecord.MaxIdLength)
        {
            return $"missing source office (1–{GovernmentRecord.MaxIdLength} characters).";
        }

        var sourceId = item.SourceId?.Trim();
        if (string.IsNullOrEmpty(sourceId) || sourceId.Length > GovernmentRecord.MaxIdLength)
        {
            return $"missing record number (1–{GovernmentRecord.MaxIdLength} characters), which makes a re-import harmless.";
        }

        if (!RecordCategories.TryParse(item.Category, out var category))
        {
            return string.IsNullOrWhiteSpace(item.Category)
                ? $"missing category ({string.Join(", ", RecordCategories.Words)})."
                : $"unknown category '{item.Category}' ({string.Join(", ", RecordCategories.Words)}, or 救助诉求, 信访, 隐患排查).";
        }

        var code = item.Region?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            return "missing region code.";
        }

        if (regions(code) is not { } where)
        {
            return $"unknown region '{code}' (or outside your jurisdiction).";
        }

        if (string.IsNullOrWhiteSpace(item.Time))
        {
            return "missing time.";
        }

        if (ParseTime(item.Time, zone) is not { } time)
        {
            return $"time '{item.Time}' is not readable (use ISO 8601, e.g. 2026-07-12T08:30:00+08:00, or 2026-07-12 08:30).";
        }

        if (time > now + ReadingRules.ClockSkew)
        {
            return FormattableString.Invariant($"time {time:O} is in the future.");
        }

        if (ParseSeverity(item.Severity) is not { } severity)
        {
            return string.IsNullOrWhiteSpace(item.Severity)
                ? "missing severity (1–4)."
                : $"severity '{item.Severity}' is not 1–4 (or 一般, 较大, 重大, 特别重大).";
        }

        var summary = string.IsNullOrWhiteSpace(item.Summary) ? null : item.Summary.Trim();
        if (summary is { Length: > GovernmentRecord.MaxSummaryLength })
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"summary has {summary.Length:N0} characters; at most {GovernmentRecord.MaxSummaryLength:N0}.");
        }

        valid = new ValidRecord(source, sourceId, category, where, time.ToUniversalTime(), severity, summary);
        return null;
    }

    /// <summary>An ISO 8601 time with an offset, or a time without one read in <paramref name="zone"/>.</summary>
    public static DateTimeOffset? ParseTime(string text, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(zone);
        var trimmed = text.Trim();
        if (HasOffset(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset))
        {
            return withOffset;
        }

        if (DateTime.TryParseExact(trimmed, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return zone.IsInvalidTime(unspecified) ? null : new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        }

        return null;
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        // An offset is a sign after the time part (the date's own dashes come before the 'T' or space).
        var timeStart = text.IndexOfAny(['T', 't', ' ']);
        return timeStart > 0 && text.AsSpan(timeStart).IndexOfAny('+', '-') > 0;
    }

    private static int? ParseSeverity(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (SeverityWords.TryGetValue(trimmed, out var word))
        {
            return word;
        }

        // Spreadsheets hand numbers over as "3" or "3.0".
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number is >= 1 and <= 4 && number == Math.Floor(number)
            ? (int)number
            : null;
    }
}
