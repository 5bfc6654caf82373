using System.Collections.Concurrent;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// The map's trends (the tier the forecast predicts six hours ahead, per region and hazard), kept
/// for a short while per set of jurisdictions: the forecast fits a trend to every station, which is
/// far more work than the map itself, and a six-hour outlook does not change between two looks a
/// few seconds apart. <c>Risk:TrendCacheFor</c> (default 1 minute, zero to turn it off) on the
/// injected clock.
/// </summary>
public sealed class RiskTrendCache(TimeProvider clock, IConfiguration configuration)
{
    /// <summary>Distinct scope sets kept at most; beyond it the cache starts afresh (a bound, not an LRU).</summary>
    private const int MaxEntries = 256;

    private readonly TimeSpan _keepFor = configuration.GetValue("Risk:TrendCacheFor", TimeSpan.FromMinutes(1));
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<(string Region, string Hazard), WarningTier>> GetAsync(IReadOnlyList<string> scopes,
        Func<CancellationToken, Task<IReadOnlyDictionary<(string Region, string Hazard), WarningTier>>> compute, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(compute);
        var key = string.Join('|', scopes.Order(StringComparer.Ordinal));
        var now = clock.GetUtcNow();
        if (_keepFor > TimeSpan.Zero && _entries.TryGetValue(key, out var held) && now - held.At < _keepFor)
        {
            return held.Trends;
        }

        var trends = await compute(ct);
        if (_keepFor > TimeSpan.Zero)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[key] = new Entry(now, trends);
        }

        return trends;
    }

    private sealed record Entry(DateTimeOffset At, IReadOnlyDictionary<(string Region, string Hazard), WarningTier> Trends);
}
