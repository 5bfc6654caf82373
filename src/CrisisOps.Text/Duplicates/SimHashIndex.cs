namespace CrisisOps.Text.Duplicates;

/// <summary>
/// Finds the nearest stored fingerprint within <see cref="MaxDistance"/> without looking at them all. Each 256-bit
/// fingerprint is cut into 16 bands of 16 bits; a stored fingerprint is a candidate only if some band is equal, and
/// only candidates are compared. Near duplicates share a band with high probability (for a one-character edit,
/// measured in the tests: nearly always from 40 characters up, about half the time at a dozen characters), while two
/// unrelated texts share one by chance with probability about 16/65,536, so a lookup costs its candidates, not the index.
/// Not safe for concurrent use: <see cref="RepostGrouper"/> calls it under its lock.
/// </summary>
/// <typeparam name="T">What is stored with a fingerprint (a repost group).</typeparam>
public sealed class SimHashIndex<T>
    where T : class
{
    /// <summary>
    /// The largest distance that still means "the same post": a quarter of the bits, an angle of 45° between the texts'
    /// bigram vectors. Measured on ChnSentiCorp: one-character edits stay under about 64 even at 12 characters, unrelated
    /// texts are 94 bits or more apart.
    /// </summary>
    public const int MaxDistance = 64;

    private const int Bands = 16;

    private readonly Dictionary<uint, List<Entry>> _buckets = [];
    private int _stamp;

    public int Count { get; private set; }

    /// <summary>Stores a fingerprint with its value.</summary>
    public void Add(RepostFingerprint fingerprint, T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var entry = new Entry(fingerprint, value);
        for (var band = 0; band < Bands; band++)
        {
            var key = Key(fingerprint, band);
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = [];
                _buckets[key] = bucket;
            }

            bucket.Add(entry);
        }

        Count++;
    }

    /// <summary>Removes a stored fingerprint and value; false when it was not stored.</summary>
    public bool Remove(RepostFingerprint fingerprint, T value)
    {
        var removed = false;
        for (var band = 0; band < Bands; band++)
        {
            var key = Key(fingerprint, band);
            if (_buckets.TryGetValue(key, out var bucket))
            {
                removed |= bucket.RemoveAll(e => ReferenceEquals(e.Value, value)) > 0;
                if (bucket.Count == 0)
                {
                    _buckets.Remove(key);
                }
            }
        }

        if (removed)
        {
            Count--;
        }

        return removed;
    }

    /// <summary>The stored value nearest to a fingerprint within <see cref="MaxDistance"/>, or null; ties go to the earlier stored.</summary>
    public (T Value, int Distance)? Nearest(RepostFingerprint fingerprint)
    {
        // Each entry sits in up to 16 buckets; a stamp per lookup compares it once.
        var stamp = ++_stamp;
        Entry? best = null;
        var bestDistance = int.MaxValue;
        for (var band = 0; band < Bands; band++)
        {
            if (!_buckets.TryGetValue(Key(fingerprint, band), out var bucket))
            {
                continue;
            }

            foreach (var entry in bucket)
            {
                if (entry.Stamp == stamp)
                {
                    continue;
                }

                entry.Stamp = stamp;
                var distance = entry.Fingerprint.DistanceTo(fingerprint);
                if (distance <= MaxDistance && (distance < bestDistance || (distance == bestDistance && entry.Order < best!.Order)))
                {
                    best = entry;
                    bestDistance = distance;
                }
            }
        }

        return best is null ? null : (best.Value, bestDistance);
    }

    private static uint Key(RepostFingerprint fingerprint, int band) =>
        ((uint)band << 16) | (ushort)(fingerprint.Word(band / 4) >> (band % 4 * 16));

    private sealed class Entry(RepostFingerprint fingerprint, T value)
    {
        private static long _next;

        public RepostFingerprint Fingerprint { get; } = fingerprint;

        public T Value { get; } = value;

        public long Order { get; } = Interlocked.Increment(ref _next);

        public int Stamp { get; set; }
    }
}
