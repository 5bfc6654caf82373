namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// The two subpopulations of HGS (feasible and infeasible solutions), each kept between μ and μ + λ by
/// survivor selection on biased fitness: rank by cost plus rank by diversity contribution, so that a
/// solution that is good or different survives and clones go first (Vidal et al. 2012, 2013).
/// </summary>
internal sealed class Population
{
    public const int MinSize = 25;
    public const int Generation = 40;
    private const int Elite = 4;
    private const int Close = 5;

    private readonly Rng _rng;
    private readonly List<Individual> _feasible = [];
    private readonly List<Individual> _infeasible = [];

    public Population(Rng rng)
    {
        _rng = rng;
    }

    public int Count => _feasible.Count + _infeasible.Count;

    /// <summary>The best feasible solution ever added (survives restarts).</summary>
    public Individual? Best { get; private set; }

    /// <summary>The least penalised solution ever added, feasible or not: what is left when nothing is feasible.</summary>
    public Individual? BestAny { get; private set; }

    /// <summary>Adds a solution; returns true when it is the best feasible one so far.</summary>
    public bool Add(Individual individual)
    {
        var improved = false;
        if (individual.IsFeasible && (Best is null || individual.Objective < Best.Objective - 1e-6))
        {
            Best = individual;
            improved = true;
        }

        if (BestAny is null || Rank(individual) < Rank(BestAny))
        {
            BestAny = individual;
        }

        var list = individual.IsFeasible ? _feasible : _infeasible;
        foreach (var other in list)
        {
            var d = individual.BrokenPairs(other);
            Insert(other.Closest, d, individual);
            Insert(individual.Closest, d, other);
        }

        var at = list.Count;
        while (at > 0 && list[at - 1].PenalizedCost > individual.PenalizedCost)
        {
            at--;
        }

        list.Insert(at, individual);
        if (list.Count > MinSize + Generation)
        {
            while (list.Count > MinSize)
            {
                RemoveWorst(list);
            }
        }

        return improved;
    }

    /// <summary>Binary tournament on biased fitness over both subpopulations.</summary>
    public Individual Select()
    {
        UpdateFitness(_feasible);
        UpdateFitness(_infeasible);
        var a = Pick();
        var b = Pick();
        return a.BiasedFitness < b.BiasedFitness ? a : b;
    }

    /// <summary>Reprices the infeasible solutions after the penalties changed, and keeps them sorted.</summary>
    public void Reprice(HgsModel model, Penalties penalties)
    {
        foreach (var individual in _infeasible)
        {
            individual.Evaluate(model, penalties);
        }

        _infeasible.Sort((x, y) => x.PenalizedCost.CompareTo(y.PenalizedCost));
    }

    /// <summary>Starts afresh (kept: the best solutions found).</summary>
    public void Clear()
    {
        _feasible.Clear();
        _infeasible.Clear();
    }

    /// <summary>Share of feasible solutions in the population.</summary>
    public double FeasibleShare => Count == 0 ? 0 : (double)_feasible.Count / Count;

    // Without a feasible solution, serve as many urgent clients as possible, then break as little as possible.
    private static double Rank(Individual i) =>
        i.Dropped + i.Forbidden * LocalSearch.ForbiddenCost + i.Overload * 1e4 + i.TimeWarp * 1e4 + i.Distance * 1e-3;

    private Individual Pick()
    {
        var k = _rng.Next(Count);
        return k < _feasible.Count ? _feasible[k] : _infeasible[k - _feasible.Count];
    }

    private static void Insert(List<(double Distance, Individual Other)> closest, double d, Individual other)
    {
        var at = closest.Count;
        while (at > 0 && closest[at - 1].Distance > d)
        {
            at--;
        }

        closest.Insert(at, (d, other));
    }

    private static void UpdateFitness(List<Individual> list)
    {
        var n = list.Count;
        if (n == 0)
        {
            return;
        }

        if (n == 1)
        {
            list[0].BiasedFitness = 0;
            return;
        }

        var diversity = new (double Contribution, int Index)[n];
        for (var i = 0; i < n; i++)
        {
            diversity[i] = (-list[i].AverageClosest(Close), i);
        }

        Array.Sort(diversity, (x, y) => x.Contribution != y.Contribution ? x.Contribution.CompareTo(y.Contribution) : x.Index.CompareTo(y.Index));
        for (var rank = 0; rank < n; rank++)
        {
            var i = diversity[rank].Index;
            var divRank = (double)rank / (n - 1);
            var fitRank = (double)i / (n - 1);
            list[i].BiasedFitness = n <= Elite ? fitRank : fitRank + (1.0 - (double)Elite / n) * divRank;
        }
    }

    private static void RemoveWorst(List<Individual> list)
    {
        UpdateFitness(list);
        var worst = -1;
        var worstClone = false;
        var worstFitness = double.NegativeInfinity;
        for (var i = 1; i < list.Count; i++)
        {
            var clone = list[i].Closest.Count > 0 && list[i].Closest[0].Distance < 1e-9;
            if ((clone && !worstClone) || (clone == worstClone && list[i].BiasedFitness > worstFitness))
            {
                worst = i;
                worstClone = clone;
                worstFitness = list[i].BiasedFitness;
            }
        }

        var removed = list[worst];
        list.RemoveAt(worst);
        foreach (var other in list)
        {
            var closest = other.Closest;
            for (var k = 0; k < closest.Count; k++)
            {
                if (ReferenceEquals(closest[k].Other, removed))
                {
                    closest.RemoveAt(k);
                    break;
                }
            }
        }
    }
}
