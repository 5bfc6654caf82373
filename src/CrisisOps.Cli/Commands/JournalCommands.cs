using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>journal tail</c>: the last page of the journal, or the live feed with <c>--follow</c>.</summary>
internal static class JournalCommands
{
    /// <summary>First reconnection delay unless the server sets one with <c>retry:</c>.</summary>
    public static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the doubling reconnection delay.</summary>
    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    /// <summary>A feed silent this long is presumed dead; the server sends keep-alive comments well within it.</summary>
    public static readonly TimeSpan FeedIdleTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Guards against a server whose <c>next</c> cursor never ends.</summary>
    private const int MaxPages = 10_000;

    private static readonly JsonSerializerOptions JsonLines = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(CliRuntime runtime) => new("journal", Strings.CommandJournal) { Tail(runtime) };

    /// <summary>Delay before reconnection attempt number <paramref name="failures"/> (1-based): doubling from the base, capped.</summary>
    public static TimeSpan ReconnectDelay(int failures, TimeSpan? serverRetry)
    {
        var baseDelay = serverRetry ?? InitialReconnectDelay;
        var exponent = Math.Clamp(failures - 1, 0, 16);
        var delay = baseDelay * Math.Pow(2, exponent);
        return delay < MaxReconnectDelay ? delay : MaxReconnectDelay;
    }

    private static Command Tail(CliRuntime runtime)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = Strings.OptionFollow };
        var incident = new Option<string>("--incident") { Description = Strings.OptionIncidentFilter, HelpName = "ID" };
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var type = new Option<string>("--type") { Description = Strings.OptionJournalType, HelpName = "T" };
        var lastEventId = new Option<string>("--last-event-id") { Description = Strings.OptionLastEventId, HelpName = "N" };
        var limit = new Option<int>("--limit") { Description = Strings.OptionLimit, HelpName = "N", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError(Strings.LimitRange);
            }
        });
        var command = new Command("tail", Strings.CommandJournalTail) { follow, incident, region, type, lastEventId, limit };
        runtime.SetAction(command, (context, parseResult, cancellationToken) =>
        {
            var filter = new JournalFilter(parseResult.GetValue(incident), parseResult.GetValue(region), parseResult.GetValue(type));
            var after = parseResult.GetValue(lastEventId);
            return parseResult.GetValue(follow)
                ? FollowAsync(context, filter, after, cancellationToken)
                : LastPageAsync(context, filter, after, parseResult.GetValue(limit), cancellationToken);
        });
        return command;
    }

    private static async Task<int> LastPageAsync(CliContext context, JournalFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        // Without a cursor the server answers the newest entries (a tail) in one page; with one it
        // pages forward, and the newest entries are on the last non-empty page.
        var client = context.Connect();
        var tail = string.IsNullOrEmpty(after);
        ApiResponse? shown = null;
        JournalPage? shownPage = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var query = filter.ToQuery();
            query.Add("after", after);
            query.Add("limit", limit.ToString(CultureInfo.InvariantCulture));
            var response = await client.GetAsync("api/v1/journal", query, cancellationToken);
            var page = response.Read<JournalPage>();
            if (shown is null || page.Items is { Count: > 0 })
            {
                (shown, shownPage) = (response, page);
            }

            if (tail || string.IsNullOrEmpty(page.Next) || page.Next == after)
            {
                break;
            }

            after = page.Next;
        }

        if (context.Json)
        {
            context.WriteJson(shown!.Body);
            return ExitCodes.Success;
        }

        var table = new Table()
            .AddColumn(Strings.ColumnId)
            .AddColumn(Strings.ColumnTime)
            .AddColumn(Strings.ColumnType)
            .AddColumn(Strings.ColumnRegion)
            .AddColumn(Strings.ColumnIncident)
            .AddColumn(Strings.ColumnActor)
            .AddColumn(Strings.ColumnPayload);
        foreach (var entry in shownPage!.Items ?? [])
        {
            table.AddRow(
                Cells.Plain(entry.Id),
                Markup.Escape(context.Moment(entry.Time)),
                Cells.ExerciseMark(entry.IsExercise) + Cells.Plain(entry.Type),
                Cells.Plain(entry.RegionCode),
                Cells.Plain(entry.IncidentId),
                Cells.Plain(entry.Actor),
                Cells.Json(entry.Payload));
        }

        context.Out.Write(table);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Prints feed events as they arrive. After the first successful connection, a dropped or
    /// silent stream and 5xx answers are retried with a doubling, capped delay, resuming after the
    /// last event seen; Ctrl+C ends the command with exit code 0.
    /// </summary>
    private static async Task<int> FollowAsync(CliContext context, JournalFilter filter, string? lastEventId, CancellationToken cancellationToken)
    {
        var client = context.Connect();
        var time = context.Environment.TimeProvider;
        var connectedOnce = false;
        var failures = 0;
        TimeSpan? serverRetry = null;
        while (true)
        {
            SseReader? reader = null;
            string reason;
            try
            {
                using var response = await client.OpenEventStreamAsync("api/v1/feed", filter.ToQuery(), lastEventId, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    // The standard's way for a server to say "do not reconnect".
                    return ExitCodes.Success;
                }

                if (response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
                {
                    throw new UnexpectedResponseException(
                        Localized.Format(Strings.NotAnEventStream, response.Content.Headers.ContentType?.MediaType ?? "?"));
                }

                if (failures > 0)
                {
                    context.Error.MarkupLine($"[grey]{Markup.Escape(Strings.Reconnected)}[/]");
                }

                connectedOnce = true;
                failures = 0;
                reader = new SseReader(lastEventId);
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var e in reader.ReadAsync(stream, FeedIdleTimeout, time, cancellationToken))
                {
                    Print(context, e, filter);
                }

                reason = Strings.StreamEnded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (ServerUnreachableException e) when (connectedOnce)
            {
                reason = e.Reason;
            }
            catch (ApiProblem problem) when (connectedOnce && problem.Status >= 500)
            {
                reason = $"{problem.Status} {problem.Title}";
            }
            catch (Exception e) when (connectedOnce && e is HttpRequestException or IOException or TimeoutException)
            {
                reason = e.Message;
            }
            finally
            {
                if (reader is { LastEventId.Length: > 0 })
                {
                    lastEventId = reader.LastEventId;
                }

                serverRetry = reader?.ReconnectionDelay ?? serverRetry;
            }

            failures++;
            var delay = ReconnectDelay(failures, serverRetry);
            context.Warn(Localized.Format(
                Strings.Reconnecting,
                reason,
                delay.TotalSeconds.ToString("0.#", CultureInfo.CurrentCulture),
                lastEventId ?? "—"));
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Success;
            }
        }
    }

    private static void Print(CliContext context, SseEvent e, JournalFilter filter)
    {
        JournalEntry? entry = null;
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(e.Data);
            entry = document.Deserialize<JournalEntry>(ApiJson.Options);
        }
        catch (JsonException)
        {
            // Not a journal entry: still shown, never dropped.
        }

        using (document)
        {
            if (!filter.Matches(entry, e.Type))
            {
                return;
            }

            if (context.Json)
            {
                context.WriteJson(document is null
                    ? JsonSerializer.Serialize(new { id = e.LastEventId, @event = e.Type, data = e.Data }, JsonLines)
                    : e.Data.Contains('\n', StringComparison.Ordinal)
                        ? JsonSerializer.Serialize(document.RootElement, JsonLines)
                        : e.Data);
                return;
            }

            var zone = context.Environment.DisplayTimeZone;
            var parts = new List<string>
            {
                $"[grey]{TimeText.Clock(entry?.Time, zone)}[/]",
                $"[grey]#{Markup.Escape(entry?.Id ?? e.LastEventId)}[/]",
                Cells.ExerciseMark(entry?.IsExercise) + $"[bold]{Markup.Escape(entry?.Type ?? e.Type)}[/]",
            };
            if (!string.IsNullOrEmpty(entry?.RegionCode))
            {
                parts.Add(Markup.Escape(entry.RegionCode));
            }

            if (!string.IsNullOrEmpty(entry?.IncidentId))
            {
                parts.Add($"[aqua]{Markup.Escape(Localized.Format(Strings.IncidentRef, entry.IncidentId))}[/]");
            }

            if (!string.IsNullOrEmpty(entry?.Actor))
            {
                parts.Add($"[grey]{Markup.Escape(entry.Actor)}[/]");
            }

            parts.Add(entry is null ? Markup.Escape(e.Data.ReplaceLineEndings(" ")) : Cells.Json(entry.Payload, 120));
            context.Out.MarkupLine(string.Join("  ", parts));
        }
    }

    /// <summary>Journal filters, sent to the server and, for the feed, checked again here where that can be done exactly.</summary>
    private sealed record JournalFilter(string? IncidentId, string? Region, string? Type)
    {
        public QueryParameters ToQuery() => new() { { "incidentId", IncidentId }, { "region", Region }, { "type", Type } };

        /// <summary>
        /// Incident and type are compared exactly. Region is left to the server, which knows
        /// which regions lie inside which; the client could only compare codes.
        /// </summary>
        public bool Matches(JournalEntry? entry, string eventType) =>
            (IncidentId is null || entry?.IncidentId == IncidentId)
            && (Type is null || (entry?.Type ?? eventType) == Type);
    }
}
