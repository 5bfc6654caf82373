namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// Ordered crossover (OX) on giant tours: the child takes a random stretch of the first parent and the
/// rest in the second parent's order, wrapping around. A client that only the first parent serves and
/// that falls outside the stretch is left out; the local search decides whether to take it back.
/// </summary>
internal sealed class Crossover
{
    private readonly Rng _rng;
    private readonly bool[] _placed;
    private readonly int[] _child;

    public Crossover(HgsModel model, Rng rng)
    {
        _rng = rng;
        _placed = new bool[model.Clients];
        _child = new int[model.Clients];
    }

    public int[] Run(int[] first, int[] second)
    {
        Array.Clear(_placed);
        if (first.Length == 0)
        {
            return [.. second];
        }

        var n = first.Length;
        var start = _rng.Next(n);
        var end = _rng.Next(n);
        while (end == start && n > 1)
        {
            end = _rng.Next(n);
        }

        var size = 0;
        for (var k = start; ; k = (k + 1) % n)
        {
            _child[size++] = first[k];
            _placed[first[k]] = true;
            if (k == end)
            {
                break;
            }
        }

        var m = second.Length;
        if (m > 0)
        {
            // Fill from the second parent, starting where the stretch ends in the first, as OX does.
            for (var step = 0; step < m; step++)
            {
                var c = second[(end + 1 + step) % m];
                if (!_placed[c])
                {
                    _placed[c] = true;
                    _child[size++] = c;
                }
            }
        }

        return _child[..size];
    }
}
