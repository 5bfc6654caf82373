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

    /// <summary>A matrix from known figures (tests, or times from elsewhere); +∞ marks an unreachable pair.</summary>
    /// <exception cref="ArgumentException">The arrays are not square and of the same size, or hold a negative or NaN figure.</exception>
    public TravelMatrix(double[,] seconds, double[,] meters)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        ArgumentNullException.ThrowIfNull(meters);
        var n = seconds.GetLength(0);
        if (seconds.GetLength(1) != n || meters.GetLength(0) != n || meters.GetLength(1) != n)
        {
            throw new ArgumentException("Seconds and metres must be square matrices of the same size.", nameof(meters));
        }

        Count = n;
        _seconds = new double[n * n];
        _meters = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var (s, m) = (seconds[i, j], meters[i, j]);
                if (double.IsNaN(s) || double.IsNaN(m) || s < 0 || m < 0)
                {
                    throw new ArgumentException($"Cell ({i}, {j}) is negative or not a number.", nameof(seconds));
                }

                (_seconds[(i * n) + j], _meters[(i * n) + j]) = (s, m);
            }
        }
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
