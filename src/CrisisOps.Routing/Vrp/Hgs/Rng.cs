namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// A small seeded generator (xoshiro256**) owned by the solver, so that a seed gives the same search on
/// every runtime version: System.Random's seeded algorithm is an implementation detail.
/// </summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(long seed)
    {
        // SplitMix64 spreads a small seed over the whole state, as the generator's authors advise.
        var x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextULong()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A number in 0 .. <paramref name="bound"/> − 1.</summary>
    public int Next(int bound) => bound <= 1 ? 0 : (int)((NextULong() >> 33) % (ulong)bound);

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public void Shuffle(int[] items, int count)
    {
        for (var i = count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
