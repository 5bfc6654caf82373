using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrisisOps.Cli;

/// <summary>One dispatched Server-Sent Event.</summary>
/// <param name="Type">The event type; <c>message</c> when the server sent no <c>event:</c> field.</param>
/// <param name="Data">The data lines joined with <c>\n</c>.</param>
/// <param name="LastEventId">The last event id in force when the event was dispatched; empty when none was ever sent.</param>
internal sealed record SseEvent(string Type, string Data, string LastEventId);

/// <summary>
/// Parses a <c>text/event-stream</c> body as the WHATWG HTML standard's "interpreting an event
/// stream" describes: lines end in CRLF, LF or CR; a blank line dispatches; lines starting with a
/// colon are comments; <c>data:</c> lines accumulate; <c>id:</c> sets the id to resume from and
/// <c>retry:</c> the reconnection delay. Feed it text in chunks of any size; a line or a CRLF
/// split between chunks is handled.
/// </summary>
internal sealed class SseReader
{
    private const string DefaultEventType = "message";

    private readonly StringBuilder line = new();
    private readonly StringBuilder data = new();
    private string eventType = "";
    private string lastEventIdBuffer;
    private bool previousWasCarriageReturn;

    /// <param name="lastEventId">Id from an earlier connection, kept until the stream sends a new one.</param>
    public SseReader(string? lastEventId = null)
    {
        LastEventId = lastEventId ?? "";
        lastEventIdBuffer = LastEventId;
    }

    /// <summary>The id to send as <c>Last-Event-ID</c> when reconnecting; updated when an event is dispatched.</summary>
    public string LastEventId { get; private set; }

    /// <summary>The reconnection delay the server asked for with <c>retry:</c>, if it did.</summary>
    public TimeSpan? ReconnectionDelay { get; private set; }

    /// <summary>Parses a chunk of the stream and adds the events it completes to <paramref name="dispatched"/>.</summary>
    public void Feed(ReadOnlySpan<char> chunk, ICollection<SseEvent> dispatched)
    {
        foreach (var c in chunk)
        {
            if (c == '\n' && previousWasCarriageReturn)
            {
                // Second half of a CRLF: the line already ended at the CR.
                previousWasCarriageReturn = false;
                continue;
            }

            previousWasCarriageReturn = c == '\r';
            if (c is '\r' or '\n')
            {
                ProcessLine(dispatched);
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }
    }

    /// <summary>
    /// Reads events from a UTF-8 stream until it ends. An event not finished by a blank line
    /// when the stream ends is discarded, as the standard requires.
    /// </summary>
    /// <param name="idleTimeout">When set, a stream silent for this long fails with <see cref="TimeoutException"/>; servers send comments to keep a quiet stream alive.</param>
    public async IAsyncEnumerable<SseEvent> ReadAsync(
        Stream stream,
        TimeSpan? idleTimeout = null,
        TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
        var bytes = ArrayPool<byte>.Shared.Rent(8192);
        var chars = ArrayPool<char>.Shared.Rent(8192 + 16); // each byte yields at most one char, plus up to three bytes held back by the decoder
        var dispatched = new List<SseEvent>();
        var atStart = true;
        try
        {
            while (true)
            {
                var read = await ReadChunkAsync(stream, bytes, idleTimeout, timeProvider ?? TimeProvider.System, cancellationToken);
                var charCount = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
                var text = chars.AsSpan(0, charCount);
                if (atStart && text.Length > 0)
                {
                    // A byte order mark is allowed once, at the very start.
                    atStart = false;
                    if (text[0] == '\uFEFF')
                    {
                        text = text[1..];
                    }
                }

                Feed(text, dispatched);
                foreach (var e in dispatched)
                {
                    yield return e;
                }

                dispatched.Clear();
                if (read == 0)
                {
                    yield break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
            DiscardPendingEvent();
        }
    }

    private static async Task<int> ReadChunkAsync(
        Stream stream,
        byte[] buffer,
        TimeSpan? idleTimeout,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (idleTimeout is not { } limit)
        {
            return await stream.ReadAsync(buffer, cancellationToken);
        }

        using var idle = new CancellationTokenSource(limit, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            return await stream.ReadAsync(buffer, linked.Token);
        }
        catch (OperationCanceledException e) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                Localized.Format(Strings.StreamIdle, limit.TotalSeconds.ToString(CultureInfo.CurrentCulture)),
                e);
        }
    }

    private void DiscardPendingEvent()
    {
        line.Clear();
        data.Clear();
        eventType = "";
        previousWasCarriageReturn = false;
    }

    private void ProcessLine(ICollection<SseEvent> dispatched)
    {
        if (line.Length == 0)
        {
            Dispatch(dispatched);
            return;
        }

        if (line[0] == ':')
        {
            return;
        }

        var text = line.ToString();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? text : text[..colon];
        var value = colon < 0 ? "" : text[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }

        switch (field)
        {
            case "event":
                eventType = value;
                break;
            case "data":
                data.Append(value).Append('\n');
                break;
            case "id":
                if (!value.Contains('\0', StringComparison.Ordinal))
                {
                    lastEventIdBuffer = value;
                }

                break;
            case "retry":
                if (value.Length > 0 && value.All(char.IsAsciiDigit)
                    && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                {
                    ReconnectionDelay = TimeSpan.FromMilliseconds(milliseconds);
                }

                break;
            default:
                // Unknown fields are ignored.
                break;
        }
    }

    private void Dispatch(ICollection<SseEvent> dispatched)
    {
        LastEventId = lastEventIdBuffer;
        if (data.Length == 0)
        {
            eventType = "";
            return;
        }

        var payload = data.ToString(0, data.Length - 1);
        dispatched.Add(new SseEvent(eventType.Length == 0 ? DefaultEventType : eventType, payload, LastEventId));
        data.Clear();
        eventType = "";
    }
}
