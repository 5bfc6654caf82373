using System.Diagnostics;

namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// Hybrid genetic search (Vidal, Crainic, Gendreau, Prins 2013): parents by binary tournament, OX
/// crossover on giant tours, Split into routes, local search as education, half of the infeasible
/// offspring repaired under harsher penalties, penalties tuned to the share of feasible offspring, and a
/// restart after a long run without improvement. One instance runs on one thread with its own seed.
/// </summary>
internal sealed class GeneticSearch
{
    // Vidal et al. start from 4μ random solutions; on a one-second budget those starts eat most of the time
    // (educating a random tour costs several offspring), and μ measured as good per iteration on Solomon.
    private const int InitialSize = Population.MinSize;
    private const int RestartAfter = 20_000;

    private readonly HgsModel _model;
    private readonly Rng _rng;
    private readonly Split _split;
    private readonly LocalSearch _localSearch;
    private readonly Crossover _crossover;
    private readonly Population _population;
    private readonly Penalties _penalties;
    private long _iterations;
    private long? _iterationLimit;
    private long _deadline;
    private CancellationToken _cancellation;

    public GeneticSearch(HgsModel model, long seed)
    {
        _model = model;
        _rng = new Rng(seed);
        _split = new Split(model);
        _localSearch = new LocalSearch(model, _rng);
        _crossover = new Crossover(model, _rng);
        _population = new Population(_rng);
        _penalties = new Penalties(model);
    }

    /// <summary>Offspring educated so far.</summary>
    public long Iterations => _iterations;

    /// <summary>Runs until the deadline (a <see cref="Stopwatch"/> timestamp), the iteration cap or cancellation.</summary>
    /// <returns>The best feasible solution, else the least bad one.</returns>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> fires.</exception>
    public Individual Run(Individual? start, long? iterationLimit, long deadline, CancellationToken cancellation)
    {
        _iterationLimit = iterationLimit;
        _deadline = deadline;
        _cancellation = cancellation;
        if (start is not null)
        {
            // The given plan is kept as it is (the incumbent) and educated like any other.
            start.Evaluate(_model, _penalties);
            _population.Add(start);
            Educate(start);
        }

        var all = new int[_model.Clients];
        var noImprovement = 0;
        while (_iterations == 0 || !Stop())
        {
            if (_population.Count == 0 || noImprovement >= RestartAfter)
            {
                // A fresh population (the best solution is kept aside) when the search has stalled.
                _population.Clear();
                noImprovement = 0;
                for (var k = 0; k < InitialSize && (k == 0 || !Stop()); k++)
                {
                    for (var c = 0; c < all.Length; c++)
                    {
                        all[c] = c;
                    }

                    _rng.Shuffle(all, all.Length);
                    Educate(_split.Run(all, _penalties));
                }

                continue;
            }

            var first = _population.Select();
            var second = _population.Select();
            var tour = _crossover.Run(first.GiantTour(), second.GiantTour());
            noImprovement = Educate(_split.Run(tour, _penalties)) ? 0 : noImprovement + 1;
        }

        return _population.Best ?? _population.BestAny ?? throw new InvalidOperationException("The search produced no solution.");
    }

    private bool Stop()
    {
        _cancellation.ThrowIfCancellationRequested();
        return (_iterationLimit is { } limit && _iterations >= limit) || Stopwatch.GetTimestamp() >= _deadline;
    }

    /// <summary>Local search, then into the population; an infeasible result is repaired half of the time.</summary>
    private bool Educate(Individual individual)
    {
        _iterations++;
        var educated = _localSearch.Run(individual, _penalties);
        var improved = _population.Add(educated);
        if (_penalties.Record(educated.IsLoadFeasible, educated.IsTimeFeasible))
        {
            _population.Reprice(_model, _penalties);
        }

        if (!educated.IsFeasible && _rng.NextDouble() < 0.5)
        {
            var repaired = _localSearch.Run(educated, _penalties.Times(10));
            if (!repaired.IsFeasible)
            {
                repaired = _localSearch.Run(repaired, _penalties.Times(100));
            }

            if (repaired.IsFeasible)
            {
                repaired.Evaluate(_model, _penalties);
                improved |= _population.Add(repaired);
            }
        }

        return improved;
    }
}
