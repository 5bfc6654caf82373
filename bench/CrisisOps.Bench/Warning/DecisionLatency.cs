using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// The live feed (<c>GET /api/v1/feed?type=risk.tier-changed</c>) read as a client reads it: each
/// event is handed on with the moment its line arrived.
/// </summary>
internal sealed class TierFeed : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _reading;
    private Action<JsonElement, long>? _onEvent;

    private TierFeed(HttpResponseMessage response, StreamReader reader, CancellationTokenSource stop)
    {
        _stop = stop;
        _reading = Task.Run(async () =>
        {
            using (response)
            using (reader)
            {
                try
                {
                    while (await reader.ReadLineAsync(stop.Token) is { } line)
                    {
                        if (line.StartsWith("data: ", StringComparison.Ordinal))
                        {
                            var arrived = Stopwatch.GetTimestamp();
                            using var entry = JsonDocument.Parse(line.AsMemory(6));
                            _onEvent?.Invoke(entry.RootElement, arrived);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped at the end of the run.
                }
            }
        });
    }

    /// <summary>Opens the feed and returns once the server has answered, so no later event is missed.</summary>
    public static async Task<TierFeed> ConnectAsync(HttpClient http, CancellationToken ct)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var response = await http.GetAsync(new Uri("/api/v1/feed?type=risk.tier-changed", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        if (await reader.ReadLineAsync(ct) is not { } first || !first.StartsWith("retry:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The feed did not start as an event stream.");
        }

        return new TierFeed(response, reader, stop);
    }

    public void OnEvent(Action<JsonElement, long> handler) => _onEvent = handler;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}

/// <summary>
/// Decision latency under load: a dedicated pipe-pressure gauge (thresholds 1/2/3/4 kPa, so its score
/// is its value) whose readings ride in the bulk batches, alternating 3.5 (warning) and 1.2 (general,
/// below the hysteresis band of 0.5 under attention's start, so the tier really falls). A crossing is
/// sent only when the previous one has shown on the feed, so each crossing is its own decision; its
/// latency runs from just before its batch is sent to the moment its <c>risk.tier-changed</c> event
/// (hazard infrastructure) is read from the feed.
/// </summary>
internal sealed class TierProbe
{
    public const string Station = "BENCH-G";

    private const double High = 3.5;
    private const double Low = 1.2;
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<double> _latencies = [];
    private readonly List<double> _answers = [];
    private int _sent;
    private bool _inFlight;
    private bool _stopped;
    private string _expected = "";
    private long _sentAt;
    private TaskCompletionSource? _seen;

    public IReadOnlyList<double> Latencies
    {
        get
        {
            lock (_lock)
            {
                return [.. _latencies];
            }
        }
    }

    /// <summary>How long the batches that carried a crossing took to answer (the reading stored and committed).</summary>
    public IReadOnlyList<double> Answers
    {
        get
        {
            lock (_lock)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>Probe readings stored, the first (untimed) one included.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Crossings whose event did not arrive within <see cref="GiveUp"/>.</summary>
    public int Missed { get; private set; }

    public static Task RegisterAsync(HttpClient http, CancellationToken ct)
    {
        var (lat, lon) = ReadingSeries.StationLocation(IngestOptions.Stations - 1);
        return IngestLoadDriver.PostAsync(http, "/api/v1/stations", new
        {
            code = Station, nameZh = "基准管网压力计", nameEn = "Bench probe gauge", kind = "pipe-pressure",
            location = new { lat = lat + 0.01, lon = lon + 0.01 }, unit = "kPa", validMin = 0.0, validMax = 10.0,
            thresholds = new { general = 1.0, attention = 2.0, warning = 3.0, emergency = 4.0 },
        }, ct);
    }

    /// <summary>Listens to the feed and brings the gauge to the general tier before the timed run.</summary>
    public static async Task<TierProbe> StartAsync(HttpClient http, TierFeed feed, CancellationToken ct)
    {
        var probe = new TierProbe();
        feed.OnEvent(probe.Seen);
        var first = probe.TryCross(Low)!;
        var seen = probe._seen!.Task;
        await IngestLoadDriver.PostAsync(http, "/api/v1/readings", JsonSerializer.Deserialize<JsonElement>($$"""{"items": [{{Encoding.UTF8.GetString(first)}}]}"""), ct);
        await seen.WaitAsync(TimeSpan.FromSeconds(30), ct);
        lock (probe._lock)
        {
            probe._latencies.Clear();
        }

        return probe;
    }

    /// <summary>The next crossing's reading (a JSON object), or null while the previous one is still on its way.</summary>
    public byte[]? TryCross() => TryCross(null);

    /// <summary>The batch that carried a crossing has answered after <paramref name="milliseconds"/>.</summary>
    public void Answered(double milliseconds)
    {
        lock (_lock)
        {
            _answers.Add(milliseconds);
        }
    }

    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }

    /// <summary>A request body with one more item at the end of its <c>items</c> array.</summary>
    public static byte[] Splice(byte[] body, byte[] item)
    {
        // Bodies end with "]}" (ReadingSeries.Bodies writes them without whitespace).
        var spliced = new byte[body.Length + 1 + item.Length];
        body.AsSpan(0, body.Length - 2).CopyTo(spliced);
        spliced[body.Length - 2] = (byte)',';
        item.CopyTo(spliced.AsSpan(body.Length - 1));
        body.AsSpan(body.Length - 2).CopyTo(spliced.AsSpan(body.Length - 1 + item.Length));
        return spliced;
    }

    private byte[]? TryCross(double? value)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return null;
            }

            if (_inFlight)
            {
                if (Stopwatch.GetElapsedTime(_sentAt) < GiveUp)
                {
                    return null;
                }

                Missed++;
            }

            var n = ++_sent;
            var next = value ?? (n % 2 == 0 ? High : Low);
            _expected = next >= 3 ? "warning" : "general";
            _inFlight = true;
            _seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _sentAt = Stopwatch.GetTimestamp();
            return JsonSerializer.SerializeToUtf8Bytes(new
            {
                station = Station,
                readingId = string.Create(CultureInfo.InvariantCulture, $"g{n:D7}"),
                time = DateTimeOffset.UtcNow,
                value = next,
            }, JsonSerializerOptions.Web);
        }
    }

    private void Seen(JsonElement entry, long arrived)
    {
        var payload = entry.GetProperty("payload");
        if (entry.GetProperty("regionCode").GetString() != ReadingSeries.RegionCode || payload.GetProperty("hazard").GetString() != "infrastructure")
        {
            return;
        }

        TaskCompletionSource? seen = null;
        lock (_lock)
        {
            if (_inFlight && payload.GetProperty("to").GetString() == _expected)
            {
                _latencies.Add(Stopwatch.GetElapsedTime(_sentAt, arrived).TotalMilliseconds);
                _inFlight = false;
                seen = _seen;
            }
        }

        seen?.TrySetResult();
    }
}
