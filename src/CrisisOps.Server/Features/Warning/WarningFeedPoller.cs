using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>One configured feed (<c>Warning:Feeds</c>): an Atom feed of CAP entries, or a single CAP document, polled every <see cref="Interval"/>.</summary>
public sealed class WarningFeedOptions
{
    public string Url { get; set; } = "";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>What one poll of a feed did.</summary>
public sealed record FeedPollResult(string Url, bool NotModified, int Entries, int Stored, int Duplicates, int Rejected, string? Error);

/// <summary>
/// Polls official-warning feeds: an Atom feed whose entries embed a CAP alert (<c>content</c>) or
/// link to one, or a URL serving a single CAP document. Asks with <c>If-None-Match</c> /
/// <c>If-Modified-Since</c>, so an unchanged feed costs a 304; every new alert goes through the
/// same <see cref="OfficialWarningStore"/> as an upload, with the feed URL as its source. A feed
/// that fails is logged at every poll and journaled once per outage (<c>warning-feed.failed</c>,
/// then <c>warning-feed.recovered</c>); a rejected entry is journaled once. Nothing here throws
/// into the host.
/// </summary>
public sealed partial class WarningFeedPoller(IHttpClientFactory http, OfficialWarningStore store, IDbContextFactory<CrisisOpsDbContext> factory,
    TimeProvider clock, IConfiguration configuration, ILogger<WarningFeedPoller> logger)
{
    public const string HttpClientName = "warning-feeds";

    /// <summary>Largest feed document read; a feed of a few hundred embedded alerts stays far below.</summary>
    public const int MaxFeedBytes = 16 * 1024 * 1024;

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    private const string AtomNamespace = "http://www.w3.org/2005/Atom";

    private readonly ConcurrentDictionary<string, FeedState> _states = new(StringComparer.Ordinal);

    /// <summary>The feeds in configuration (<c>Warning:Feeds</c>).</summary>
    public IReadOnlyList<WarningFeedOptions> Feeds =>
        configuration.GetSection("Warning:Feeds").Get<List<WarningFeedOptions>>()?.Where(f => !string.IsNullOrWhiteSpace(f.Url)).ToList() ?? [];

    /// <summary>Polls every configured feed once.</summary>
    public async Task<IReadOnlyList<FeedPollResult>> PollAllAsync(CancellationToken ct)
    {
        var results = new List<FeedPollResult>();
        foreach (var feed in Feeds)
        {
            results.Add(await PollAsync(feed, ct));
        }

        return results;
    }

    /// <summary>Polls one feed once. Failures are reported in the result (and logged and journaled), never thrown.</summary>
    public async Task<FeedPollResult> PollAsync(WarningFeedOptions feed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var state = _states.GetOrAdd(feed.Url, _ => new FeedState());
        await state.Gate.WaitAsync(ct);
        try
        {
            var result = await PollOnceAsync(feed.Url, state, ct);
            await RecordHealthAsync(feed.Url, state, result.Error, ct);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = ex.GetType().Name + ": " + ex.Message;
            await RecordHealthAsync(feed.Url, state, error, ct);
            return new FeedPollResult(feed.Url, false, 0, 0, 0, 0, error);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<FeedPollResult> PollOnceAsync(string url, FeedState state, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var feedUri) || feedUri.Scheme is not ("http" or "https"))
        {
            return new FeedPollResult(url, false, 0, 0, 0, 0, $"'{url}' is not an absolute http(s) URL.");
        }

        var client = http.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, feedUri);
        request.Headers.Accept.ParseAdd("application/atom+xml, application/cap+xml, application/xml;q=0.9, */*;q=0.5");
        if (state.ETag is { } etag)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        if (state.LastModified is { } modified)
        {
            request.Headers.IfModifiedSince = modified;
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FeedPollResult(url, true, 0, 0, 0, 0, null);
        }

        if (!response.IsSuccessStatusCode)
        {
            return new FeedPollResult(url, false, 0, 0, 0, 0, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var body = await ReadLimitedAsync(response.Content, MaxFeedBytes, ct);
        if (body is null)
        {
            return new FeedPollResult(url, false, 0, 0, 0, 0, $"the feed is larger than {MaxFeedBytes:N0} bytes.");
        }

        var tally = new Tally();
        if (IsAtom(body))
        {
            await ReadAtomAsync(url, feedUri, body, state, tally, ct);
        }
        else
        {
            // A single CAP document: the store knows it again; a rejection is journaled once per distinct content.
            var key = "document:" + Convert.ToHexString(SHA256.HashData(body));
            foreach (var older in state.Seen.Keys.Where(k => k != key).ToList())
            {
                state.Seen.TryRemove(older, out _);
            }

            await StoreEntryAsync(url, key, body, state, tally, ct);
        }

        // Remembered only after a poll that went through, so a failed poll is repeated in full.
        if (tally.Error is null)
        {
            state.ETag = response.Headers.ETag;
            state.LastModified = response.Content.Headers.LastModified;
        }

        return new FeedPollResult(url, false, tally.Entries, tally.Stored, tally.Duplicates, tally.Rejected, tally.Error);
    }

    private async Task ReadAtomAsync(string url, Uri feedUri, byte[] body, FeedState state, Tally tally, CancellationToken ct)
    {
        XDocument feed;
        using (var reader = XmlReader.Create(new MemoryStream(body), SafeXml))
        {
            feed = XDocument.Load(reader);
        }

        XNamespace atom = AtomNamespace;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in feed.Root!.Elements(atom + "entry"))
        {
            tally.Entries++;
            var key = (entry.Element(atom + "id")?.Value.Trim() ?? "") + "|" + (entry.Element(atom + "updated")?.Value.Trim() ?? "");
            listed.Add(key);
            if (state.Seen.ContainsKey(key))
            {
                continue;
            }

            var document = Embedded(entry.Element(atom + "content"));
            if (document is null && Link(entry, atom, feedUri) is { } link)
            {
                try
                {
                    document = await FetchAsync(link, ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // Not marked seen: the next poll fetches it again.
                    tally.Error ??= $"entry {key}: {link}: {ex.Message}";
                    LogEntryFetchFailed(logger, url, link.ToString(), ex);
                    continue;
                }
            }

            if (document is null)
            {
                await RejectAsync(url, key, CapVerdictKind.NotCap, ["the entry has neither an embedded CAP alert nor a link to one."], tally, ct);
                state.Seen[key] = true;
                continue;
            }

            await StoreEntryAsync(url, key, document, state, tally, ct);
        }

        // Remember only what the feed still lists: a long-running feed must not grow the memory without end.
        foreach (var gone in state.Seen.Keys.Where(k => !listed.Contains(k)).ToList())
        {
            state.Seen.TryRemove(gone, out _);
        }
    }

    private async Task StoreEntryAsync(string url, string key, byte[] document, FeedState state, Tally tally, CancellationToken ct)
    {
        if (state.Seen.ContainsKey(key))
        {
            tally.Duplicates++;
            return;
        }

        var result = await store.StoreAsync(document, url, null, ct);
        if (!result.Verdict.Accepted)
        {
            await RejectAsync(url, key, result.Verdict.Kind, result.Verdict.Reasons, tally, ct);
        }
        else if (result.Created)
        {
            tally.Stored++;
        }
        else
        {
            tally.Duplicates++;
        }

        state.Seen[key] = true;
    }

    private async Task RejectAsync(string url, string key, CapVerdictKind kind, IReadOnlyList<string> reasons, Tally tally, CancellationToken ct)
    {
        tally.Rejected++;
        LogEntryRejected(logger, url, key, kind, string.Join(" | ", reasons));
        await AppendAsync(JournalTypes.WarningFeedEntryRejected, new { feed = url, entry = key, kind, reasons }, ct);
    }

    /// <summary>Journals the start of an outage once, and its end.</summary>
    private async Task RecordHealthAsync(string url, FeedState state, string? error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (error is not null)
        {
            LogFeedFailed(logger, url, error);
            state.FailedPolls++;
            if (state.FailingSince is not null)
            {
                return;
            }

            state.FailingSince = now;
            await AppendAsync(JournalTypes.WarningFeedFailed, new { feed = url, error }, ct);
        }
        else if (state.FailingSince is { } since)
        {
            await AppendAsync(JournalTypes.WarningFeedRecovered, new { feed = url, since, failedPolls = state.FailedPolls }, ct);
            LogFeedRecovered(logger, url, since);
            state.FailingSince = null;
            state.FailedPolls = 0;
        }
    }

    private async Task AppendAsync(string type, object payload, CancellationToken ct)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            db.Append(new JournalRecord(clock.GetUtcNow(), "system", type, null, null, null, payload));
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be what is failing; the log still has it.
            LogJournalFailed(logger, type, ex);
        }
    }

    private async Task<byte[]> FetchAsync(Uri link, CancellationToken ct)
    {
        var client = http.CreateClient(HttpClientName);
        using var response = await client.GetAsync(link, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();

        // One byte over the CAP limit is enough for the reader to refuse it as too large.
        return await ReadLimitedAsync(response.Content, CapReader.MaxDocumentBytes + 1, ct, truncate: true) ?? [];
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (or its first <paramref name="limit"/> bytes when truncating).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, int limit, CancellationToken ct, bool truncate = false)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                if (!truncate)
                {
                    return null;
                }

                buffer.Write(chunk, 0, (int)(limit - buffer.Length));
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsAtom(byte[] body)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), SafeXml);
            return reader.MoveToContent() == XmlNodeType.Element
                && reader.LocalName == "feed" && reader.NamespaceURI == AtomNamespace;
        }
        catch (XmlException)
        {
            // Not XML at all: the CAP reader says so, with the reason.
            return false;
        }
    }

    /// <summary>A CAP alert inside an entry's content: as XML, or as escaped XML text.</summary>
    private static byte[]? Embedded(XElement? content)
    {
        if (content is null)
        {
            return null;
        }

        if (content.Elements().FirstOrDefault() is { } alert)
        {
            return Encoding.UTF8.GetBytes(alert.ToString(SaveOptions.DisableFormatting));
        }

        var text = content.Value.Trim();
        return text.StartsWith('<') ? Encoding.UTF8.GetBytes(text) : null;
    }

    /// <summary>The entry's link to its CAP document: one typed as CAP, else as XML, else the alternate (or first) link.</summary>
    private static Uri? Link(XElement entry, XNamespace atom, Uri feedUri)
    {
        var links = entry.Elements(atom + "link").Select(l => new
        {
            Href = (string?)l.Attribute("href"),
            Type = (string?)l.Attribute("type") ?? "",
            Rel = (string?)l.Attribute("rel") ?? "alternate",
        }).Where(l => !string.IsNullOrWhiteSpace(l.Href)).ToList();
        var chosen = links.FirstOrDefault(l => l.Type.Contains("cap", StringComparison.OrdinalIgnoreCase))
            ?? links.FirstOrDefault(l => l.Type.Contains("xml", StringComparison.OrdinalIgnoreCase))
            ?? links.FirstOrDefault(l => l.Rel == "alternate")
            ?? links.FirstOrDefault();
        return chosen is not null && Uri.TryCreate(feedUri, chosen.Href, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }

    // Feeds are parsed as safely as CAP: no DTD, no resolver, a size limit.
    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxFeedBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private sealed class FeedState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public EntityTagHeaderValue? ETag { get; set; }

        public DateTimeOffset? LastModified { get; set; }

        public DateTimeOffset? FailingSince { get; set; }

        public int FailedPolls { get; set; }

        /// <summary>Entries already handled (stored, known or rejected), by id and updated time.</summary>
        public ConcurrentDictionary<string, bool> Seen { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Tally
    {
        public int Entries { get; set; }

        public int Stored { get; set; }

        public int Duplicates { get; set; }

        public int Rejected { get; set; }

        public string? Error { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Warning feed {Url} failed: {Error}")]
    private static partial void LogFeedFailed(ILogger logger, string url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warning feed {Url} works again (failing since {Since})")]
    private static partial void LogFeedRecovered(ILogger logger, string url, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warning feed {Url}: entry {Entry} rejected ({Kind}): {Reasons}")]
    private static partial void LogEntryRejected(ILogger logger, string url, string entry, CapVerdictKind kind, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warning feed {Url}: could not fetch {Link}")]
    private static partial void LogEntryFetchFailed(ILogger logger, string url, string link, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not journal {Type}")]
    private static partial void LogJournalFailed(ILogger logger, string type, Exception ex);
}

/// <summary>
/// Polls each configured feed on the injected clock: once at start, then every interval
/// (at least 10 s). Never stops the host: a failing poll is the poller's to log and journal.
/// </summary>
public sealed partial class WarningFeedWorker(WarningFeedPoller poller, TimeProvider clock, ILogger<WarningFeedWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(poller.Feeds.Select(feed => RunAsync(feed, stoppingToken)));

    private async Task RunAsync(WarningFeedOptions feed, CancellationToken stoppingToken)
    {
        var interval = feed.Interval < WarningFeedPoller.MinimumInterval ? WarningFeedPoller.MinimumInterval : feed.Interval;
        LogPolling(logger, feed.Url, interval);
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await poller.PollAsync(feed, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollCrashed(logger, feed.Url, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling warning feed {Url} every {Interval}")]
    private static partial void LogPolling(ILogger logger, string url, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling warning feed {Url} failed unexpectedly; trying again on the next tick")]
    private static partial void LogPollCrashed(ILogger logger, string url, Exception ex);
}
