namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// What the search needs to know about a stretch of consecutive visits to join it to another in O(1)
/// (Vidal, Crainic, Gendreau, Prins 2013, after the time-warp relaxation of Nagata, Bräysy, Dullaert
/// 2010): its duration, the time warp it forces (how far a vehicle would have to go back in time to
/// keep every window), the earliest and latest start that reach those figures, and its distance.
/// A route is on time exactly when its time warp is zero, which is what lets the search walk through
/// late routes with a price instead of forbidding them.
/// </summary>
internal struct TimeSegment
{
    public long Duration;
    public long TimeWarp;
    public long Earliest;
    public long Latest;
    public long Distance;
    public int First;
    public int Last;

    public static TimeSegment Visit(int point, long ready, long due, long service) =>
        new() { Duration = service, Earliest = ready, Latest = due, First = point, Last = point };

    /// <summary>The stretch <paramref name="a"/> followed by <paramref name="b"/>, joined by one arc.</summary>
    public static TimeSegment Join(in TimeSegment a, in TimeSegment b, int[] distance, int[] duration, int points)
    {
        var arc = a.Last * points + b.First;
        long travel = duration[arc];
        var delta = a.Duration - a.TimeWarp + travel;
        var wait = Math.Max(b.Earliest - delta - a.Latest, 0);
        var warp = Math.Max(a.Earliest + delta - b.Latest, 0);
        TimeSegment s;
        s.Duration = a.Duration + b.Duration + travel + wait;
        s.TimeWarp = a.TimeWarp + b.TimeWarp + warp;
        s.Earliest = Math.Max(b.Earliest - delta, a.Earliest) - wait;
        s.Latest = Math.Min(b.Latest - delta, a.Latest) + warp;
        s.Distance = a.Distance + b.Distance + distance[arc];
        s.First = a.First;
        s.Last = b.Last;
        return s;
    }
}
