namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// One solution in the population: a route per vehicle (client indexes in visiting order), the clients
/// left out, what it costs, and the neighbours in the population by broken-pairs distance that its
/// diversity contribution is measured against.
/// </summary>
internal sealed class Individual
{
    public Individual(HgsModel model, int[][] routes)
    {
        Routes = routes;
        Successor = new int[model.Clients];
        Predecessor = new int[model.Clients];
    }

    public int[][] Routes { get; }

    public long Distance { get; private set; }

    public long TimeWarp { get; private set; }

    public double Overload { get; private set; }

    /// <summary>Clients placed on a vehicle not allowed to serve them, or joined by an arc with no road.</summary>
    public int Forbidden { get; private set; }

    public double Dropped { get; private set; }

    public int Served { get; private set; }

    public double PenalizedCost { get; private set; }

    public bool IsLoadFeasible => Overload <= 0;

    public bool IsTimeFeasible => TimeWarp == 0;

    public bool IsFeasible => Overload <= 0 && TimeWarp == 0 && Forbidden == 0;

    /// <summary>The objective of a feasible solution: distance plus what the left-out clients cost.</summary>
    public double Objective => Distance + Dropped;

    /// <summary>Next client on the route, −1 after the last, −2 when not served.</summary>
    public int[] Successor { get; }

    public int[] Predecessor { get; }

    public List<(double Distance, Individual Other)> Closest { get; } = [];

    public double BiasedFitness { get; set; }

    /// <summary>The served clients in route order: the chromosome the crossover works on.</summary>
    public int[] GiantTour()
    {
        var tour = new int[Served];
        var n = 0;
        foreach (var route in Routes)
        {
            foreach (var c in route)
            {
                tour[n++] = c;
            }
        }

        return tour;
    }

    public void Evaluate(HgsModel model, Penalties penalties)
    {
        Array.Fill(Successor, -2);
        Array.Fill(Predecessor, -2);
        long distance = 0, warp = 0;
        double overload = 0, dropped = 0;
        var forbidden = 0;
        var served = 0;
        var load = new long[model.Dimensions];
        for (var v = 0; v < Routes.Length; v++)
        {
            var route = Routes[v];
            if (route.Length == 0)
            {
                continue;
            }

            var duration = model.Durations[model.VehicleSpeed[v]];
            var seg = model.StartSegment(v);
            Array.Clear(load);
            for (var i = 0; i < route.Length; i++)
            {
                var c = route[i];
                seg = TimeSegment.Join(seg, model.ClientSegment[c], model.Distance, duration, model.Points);
                for (var d = 0; d < load.Length; d++)
                {
                    load[d] += model.Demand[c * model.Dimensions + d];
                }

                if (!model.IsAllowed(c, v))
                {
                    forbidden++;
                }

                if (model.Closed[(i == 0 ? model.VehicleStart[v] : route[i - 1]) * model.Points + c])
                {
                    forbidden++;
                }

                Predecessor[c] = i == 0 ? -1 : route[i - 1];
                Successor[c] = i == route.Length - 1 ? -1 : route[i + 1];
            }

            seg = TimeSegment.Join(seg, model.EndSegment(v), model.Distance, duration, model.Points);
            if (model.Closed[route[^1] * model.Points + model.VehicleEnd[v]])
            {
                forbidden++;
            }

            distance += seg.Distance;
            warp += seg.TimeWarp;
            for (var d = 0; d < load.Length; d++)
            {
                overload += model.CapacityWeight[d] * Math.Max(0, load[d] - model.Capacity[v * model.Dimensions + d]);
            }

            served += route.Length;
        }

        for (var c = 0; c < model.Clients; c++)
        {
            if (Successor[c] == -2)
            {
                dropped += model.DropCost[c];
            }
        }

        Distance = distance;
        TimeWarp = warp;
        Overload = overload;
        Forbidden = forbidden;
        Dropped = dropped;
        Served = served;
        PenalizedCost = distance + dropped + penalties.Load * overload + penalties.TimeWarp * warp + forbidden * LocalSearch.ForbiddenCost;
    }

    /// <summary>Broken-pairs distance (share of clients whose neighbours differ), the diversity measure of HGS.</summary>
    public double BrokenPairs(Individual other)
    {
        var differ = 0;
        var n = Successor.Length;
        for (var c = 0; c < n; c++)
        {
            var s = Successor[c];
            if (s != other.Successor[c] && s != other.Predecessor[c])
            {
                differ++;
            }

            if (Predecessor[c] == -1 && other.Predecessor[c] != -1 && other.Successor[c] != -1)
            {
                differ++;
            }
        }

        return n == 0 ? 0 : (double)differ / n;
    }

    /// <summary>Mean distance to the <paramref name="count"/> closest others: the diversity contribution.</summary>
    public double AverageClosest(int count)
    {
        var n = Math.Min(count, Closest.Count);
        if (n == 0)
        {
            return 0;
        }

        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += Closest[i].Distance;
        }

        return sum / n;
    }
}
