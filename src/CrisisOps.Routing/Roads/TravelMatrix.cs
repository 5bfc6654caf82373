namespace CrisisOps.Routing.Roads;

/// <summary>Travel times and distances between every pair of points; infinite where no open road leads.</summary>
public sealed partial class TravelMatrix
{
    // Row-major, Count × Count; +∞ where unreachable.
    private readonly double[] _seconds;
    private readonly double[] _meters;

    internal TravelMatrix(int count, double[] seconds, double[] meters)
    {
        Count = count;
        _seconds = seconds;
        _meters = meters;
    }

    public int Count { get; init; }

    /// <summary>Fastest travel time in seconds from point <paramref name="from"/> to point <paramref name="to"/>; +∞ when unreachable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the matrix.</exception>
    public double Seconds(int from, int to) => _seconds[Index(from, to)];

    /// <summary>Length in metres of the fastest path; +∞ when unreachable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the matrix.</exception>
    public double Meters(int from, int to) => _meters[Index(from, to)];

    public bool IsReachable(int from, int to) => !double.IsInfinity(Seconds(from, to));

    private int Index(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, Count);
        return (from * Count) + to;
    }
}
