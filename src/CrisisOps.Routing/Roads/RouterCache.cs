namespace CrisisOps.Routing.Roads;

/// <summary>
/// The few most recently used routers, keyed by the segments their closures shut: two closure sets that shut the same
/// segments (an area drawn twice, a way named and also covered) share one preparation.
/// </summary>
internal sealed class RouterCache(int capacity)
{
    private readonly LinkedList<(ClosedSet Key, Lazy<RoadRouter> Router)> _recent = [];
    private readonly Lock _lock = new();

    public RoadRouter GetOrAdd(ClosedSet key, Func<RoadRouter> prepare)
    {
        Lazy<RoadRouter> router;
        lock (_lock)
        {
            var node = _recent.First;
            while (node is not null && !node.Value.Key.Equals(key))
            {
                node = node.Next;
            }

            if (node is not null)
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                router = node.Value.Router;
            }
            else
            {
                // Prepared outside the lock, once: concurrent callers for the same set wait on the same Lazy.
                router = new Lazy<RoadRouter>(prepare, LazyThreadSafetyMode.ExecutionAndPublication);
                _recent.AddFirst((key, router));
                while (_recent.Count > capacity)
                {
                    _recent.RemoveLast();
                }
            }
        }

        return router.Value;
    }
}

/// <summary>The closed segments of a closure set, in ascending order, compared by content.</summary>
internal sealed class ClosedSet(int[] segments) : IEquatable<ClosedSet>
{
    private readonly int _hash = segments.Aggregate(17, HashCode.Combine);

    public int[] Segments { get; } = segments;

    public bool Equals(ClosedSet? other) => other is not null && _hash == other._hash && Segments.AsSpan().SequenceEqual(other.Segments);

    public override bool Equals(object? obj) => Equals(obj as ClosedSet);

    public override int GetHashCode() => _hash;
}
