namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// Prices of overload and time warp. The search lets routes break capacity and windows at a price and
/// tunes the price so that about a fifth of the solutions it produces stay feasible (Vidal et al. 2013):
/// too cheap and it wanders among infeasible plans, too dear and it cannot cross between feasible ones.
/// </summary>
internal sealed class Penalties
{
    private const double TargetFeasible = 0.2;
    private const int Window = 100;

    private int _seen;
    private int _loadFeasible;
    private int _timeFeasible;

    public Penalties(HgsModel model)
    {
        long maxDemand = 1;
        for (var i = 0; i < model.Demand.Length; i++)
        {
            maxDemand = Math.Max(maxDemand, model.Demand[i]);
        }

        Load = Math.Clamp((double)model.MaxArc / maxDemand, 0.1, 1000);
        TimeWarp = 1.0;
    }

    private Penalties(double load, double timeWarp)
    {
        Load = load;
        TimeWarp = timeWarp;
    }

    public double Load { get; private set; }

    public double TimeWarp { get; private set; }

    /// <summary>Harsher prices for the repair of an infeasible offspring.</summary>
    public Penalties Times(double factor) => new(Load * factor, TimeWarp * factor);

    /// <summary>Counts one local-search outcome; returns true when the prices changed.</summary>
    public bool Record(bool loadFeasible, bool timeFeasible)
    {
        _seen++;
        _loadFeasible += loadFeasible ? 1 : 0;
        _timeFeasible += timeFeasible ? 1 : 0;
        if (_seen < Window)
        {
            return false;
        }

        Load = Adjust(Load, (double)_loadFeasible / _seen);
        TimeWarp = Adjust(TimeWarp, (double)_timeFeasible / _seen);
        _seen = _loadFeasible = _timeFeasible = 0;
        return true;
    }

    private static double Adjust(double price, double feasible) =>
        feasible < TargetFeasible - 0.05 ? Math.Min(price * 1.2, 100_000)
        : feasible > TargetFeasible + 0.05 ? Math.Max(price * 0.85, 0.1)
        : price;
}
