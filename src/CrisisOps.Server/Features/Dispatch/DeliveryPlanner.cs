using System.Globalization;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Needs;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Routing.Vrp;
using CrisisOps.Server.Features.Command;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>What to plan: needs and vehicles (default: the incident's open needs and the region's available vehicles).</summary>
public sealed record PlanRequest(IReadOnlyList<Guid>? Needs, IReadOnlyList<string>? Vehicles, int? Seconds, DateTimeOffset? DepartAt, int? Seed);

/// <summary>
/// Builds delivery plans (配送方案): the depots of the vehicles and the places of the needs, travel times between
/// them on the roads with the closures in force (or straight lines, said so), each need a delivery with its remaining
/// quantity by weight and volume, a window from departure to when it is needed, and the priority class of its site;
/// then the solver, and the plan stored as solved. Issuing gives one order per route; re-planning keeps what is
/// served and routes the rest again from where each vehicle is.
/// </summary>
public sealed class DeliveryPlanner(IDbContextFactory<CrisisOpsDbContext> factory, TravelTimes travel, DispatchSettings settings, OrderDesk desk,
    TimeProvider clock)
{
    /// <summary>Capacity units: tenths of a kilogram and litres keep the solver's integers exact enough.</summary>
    private const decimal WeightUnitsPerKg = 10m;

    private const decimal VolumeUnitsPerM3 = 1000m;

    public const int MaxSeconds = 60;

    /// <summary>The unit that drives the routes when the issuer names none: one per headquarters, made on first use.</summary>
    public const string FleetUnitName = "配送车队 Delivery fleet";

    /// <exception cref="ProblemException">400 seconds/departAt; 404 incident; 403; 422 no-needs, no-vehicles, unknown-need, unknown-vehicle.</exception>
    public async Task<DeliveryPlan> PlanAsync(string incidentKey, PlanRequest request, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        errors.Check(request.Seconds is null or (>= 1 and <= MaxSeconds), "seconds", $"From 1 to {MaxSeconds}.");
        errors.Check(request.DepartAt is null || (request.DepartAt >= now - TimeSpan.FromMinutes(5) && request.DepartAt <= now + TimeSpan.FromDays(7)),
            "departAt", "From now to 7 days ahead.");
        errors.Check(request.Needs is null || request.Needs.Count is >= 1 and <= 1000, "needs", "1–1000 need ids, or leave out for the incident's open needs.");
        errors.Check(request.Vehicles is null || request.Vehicles.Count is >= 1 and <= 200, "vehicles", "1–200 vehicle codes, or leave out for the region's.");
        errors.ThrowIfAny();

        await using var db = await factory.CreateDbContextAsync(ct);
        var incident = await IncidentQueries.FindAsync(db, incidentKey, ct) ?? throw ProblemException.NotFound($"Incident '{incidentKey}'");
        if (!access.Can(Permission.PlanDispatch, incident.RegionPath))
        {
            throw access.Can(Permission.ReadIncidents, incident.RegionPath)
                ? ProblemException.Forbidden($"Your roles do not allow '{Permission.PlanDispatch}' in region '{incident.RegionCode}'.")
                : ProblemException.NotFound($"Incident '{incidentKey}'");
        }

        var needs = await NeedsAsync(db, incident, request.Needs, ct);
        var vehicles = await VehiclesAsync(db, incident, request.Vehicles, access, ct);
        var departAt = request.DepartAt ?? now;
        var number = string.Create(CultureInfo.InvariantCulture, $"PLAN-{now.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4].ToUpperInvariant()}");
        var plan = new DeliveryPlan(Guid.CreateVersion7(now), number, 1, null, incident.Id, incident.Number, incident.RegionCode, incident.RegionPath,
            TravelMethod.StraightLine, departAt, request.Seconds ?? settings.DefaultSeconds, request.Seed ?? 1, incident.IsExercise, now, access.Name);
        var built = await SolveAsync(db, plan, needs, vehicles.Select(v => new Fleet(v, null, null)).ToList(), [], null, ct);
        db.DeliveryPlans.Add(built);
        db.Append(Computed(built, access.Name, now, JournalTypes.PlanComputed));
        await db.SaveChangesAsync(ct);
        return built;
    }

    /// <summary>A vehicle of a plan, and where it starts when re-planning (its last served stop, at that time).</summary>
    private sealed record Fleet(Vehicle Vehicle, GeoPoint? StartAt, DateTimeOffset? StartTime);

    /// <summary>One delivery to plan: the need, its place, and what it weighs.</summary>
    private sealed record Delivery(Need Need, GeoPoint? At, string PlaceName, string? SiteCode, int PriorityClass, decimal Quantity, decimal Kg, decimal M3);

    private async Task<List<Need>> NeedsAsync(CrisisOpsDbContext db, Incident incident, IReadOnlyList<Guid>? ids, CancellationToken ct)
    {
        List<Need> needs;
        if (ids is not null)
        {
            var wanted = ids.Distinct().ToList();
            needs = await db.Needs.AsNoTracking().Where(n => wanted.Contains(n.Id)).ToListAsync(ct);
            var unknown = wanted.Except(needs.Where(n => n.IncidentId == incident.Id || (n.IncidentId is null && Paths.Covers(incident.RegionPath, n.RegionPath)))
                .Select(n => n.Id)).ToList();
            if (unknown.Count > 0)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-need", "Needs not of this incident",
                    $"These needs do not exist or lie outside incident {incident.Number}: {string.Join(", ", unknown)}.");
            }

            var closed = needs.Where(n => n.Status != NeedStatus.Open || n.Remaining <= 0).Select(n => n.Number).ToList();
            if (closed.Count > 0)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "need-not-open", "Needs with nothing to deliver",
                    $"These needs are not open or have nothing left to cover: {string.Join(", ", closed)}.");
            }
        }
        else
        {
            var path = incident.RegionPath;
            needs = (await db.Needs.AsNoTracking()
                    .Where(n => n.Status == NeedStatus.Open && (n.IncidentId == incident.Id || (n.IncidentId == null && n.RegionPath.StartsWith(path))))
                    .ToListAsync(ct))
                .Where(n => n.Remaining > 0 && (n.IncidentId == incident.Id || Paths.Covers(path, n.RegionPath))).ToList();
        }

        if (needs.Count == 0)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "no-needs", "Nothing to deliver",
                $"Incident {incident.Number} has no open needs with something left to cover in its region.");
        }

        return InPlanningOrder(needs);
    }

    private static async Task<List<Vehicle>> VehiclesAsync(CrisisOpsDbContext db, Incident incident, IReadOnlyList<string>? codes, CallerAccess access,
        CancellationToken ct)
    {
        List<Vehicle> vehicles;
        if (codes is not null)
        {
            var wanted = codes.Distinct(StringComparer.Ordinal).ToList();
            vehicles = await db.Vehicles.AsNoTracking().Where(v => wanted.Contains(v.Code)).ToListAsync(ct);
            var unknown = wanted.Except(vehicles.Where(v => access.Can(Permission.ReadResources, v.RegionPath)).Select(v => v.Code), StringComparer.Ordinal)
                .ToList();
            if (unknown.Count > 0)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-vehicle", "Unknown vehicles",
                    $"No vehicles you can see are called: {string.Join(", ", unknown)}.");
            }

            var off = vehicles.Where(v => v.Status != VehicleStatus.Available).Select(v => v.Code).ToList();
            if (off.Count > 0)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "vehicle-out-of-service", "Vehicles out of service",
                    $"These vehicles are out of service: {string.Join(", ", off)}.");
            }
        }
        else
        {
            // The fleet of the jurisdiction the caller plans the incident from: every available vehicle under a region the
            // caller may plan for that contains the incident (a county depot serves a community's incident), and the
            // incident region's own.
            var path = incident.RegionPath;
            var scopes = access.ScopesFor(Permission.PlanDispatch).Where(s => Paths.Covers(s, path)).Append(path).ToList();
            vehicles = (await db.Vehicles.AsNoTracking().Where(v => v.Status == VehicleStatus.Available).ToListAsync(ct))
                .Where(v => scopes.Any(s => Paths.Covers(s, v.RegionPath))).ToList();
        }

        if (vehicles.Count == 0)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "no-vehicles", "No vehicles",
                $"No available vehicles serve the region of incident {incident.Number}; add vehicles or put them back in service.");
        }

        return [.. vehicles.OrderBy(v => v.Code, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Fills <paramref name="plan"/> with routes and unserved deliveries. <paramref name="served"/> are stops kept from the
    /// plan being re-planned (first on their vehicle's route); <paramref name="previous"/> seeds the search.
    /// </summary>
    private async Task<DeliveryPlan> SolveAsync(CrisisOpsDbContext db, DeliveryPlan plan, IReadOnlyList<Need> needs, IReadOnlyList<Fleet> fleet,
        IReadOnlyList<PlanStop> served, DeliveryPlan? previous, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var departAt = plan.DepartAt;
        var itemCodes = needs.Select(n => n.ItemCode).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var items = await db.Items.AsNoTracking().Where(i => itemCodes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, ct);
        var siteCodes = needs.Select(n => n.SiteCode).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sites = await db.Sites.AsNoTracking().Where(s => siteCodes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, StringComparer.Ordinal, ct);
        var regionCodes = needs.Where(n => n.SiteCode is null || !sites.ContainsKey(n.SiteCode)).Select(n => n.RegionCode).Distinct(StringComparer.Ordinal)
            .ToList();
        var regions = await db.Regions.AsNoTracking().Where(r => regionCodes.Contains(r.Code))
            .Select(r => new { r.Code, r.NameZh, r.NameEn, r.BoundaryGeoJson }).ToListAsync(ct);
        var centres = regions.Where(r => r.BoundaryGeoJson != null).ToDictionary(r => r.Code, r =>
        {
            var inside = GeoJson.ReadGeometry(r.BoundaryGeoJson!).InteriorPoint;
            return (At: new GeoPoint(inside.Y, inside.X), Name: $"{r.NameZh} {r.NameEn}");
        }, StringComparer.Ordinal);
        var warehouseIds = fleet.Select(f => f.Vehicle.WarehouseId).Distinct().ToList();
        var depots = await db.Warehouses.AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var today = Resources.StockKeeper.Today(now);
        var stocked = (await db.StockBalances.AsNoTracking().Include(b => b.Lots)
                .Where(b => warehouseIds.Contains(b.WarehouseId) && itemCodes.Contains(b.ItemCode)).ToListAsync(ct))
            .Where(b => b.Available(today) > 0).Select(b => (b.WarehouseId, b.ItemCode)).ToHashSet();

        var deliveries = needs.Select(n =>
        {
            var item = n.ItemCode is not null && items.TryGetValue(n.ItemCode, out var found) ? found : null;
            var site = n.SiteCode is not null && sites.TryGetValue(n.SiteCode, out var s) ? s : null;
            var centre = centres.TryGetValue(n.RegionCode, out var c) ? c : default;
            var quantity = n.Remaining;
            return new Delivery(n, site?.Location ?? (centre.Name is null ? null : centre.At), site is null ? centre.Name ?? n.RegionCode : $"{site.NameZh} {site.NameEn}",
                site?.Code, DeliveryPriority.ClassOf(site?.Type, n.PublisherKind), quantity,
                quantity * (item?.WeightKgPerUnit ?? Item.AssumedUnitWeightKg), quantity * (item?.VolumeM3PerUnit ?? Item.AssumedUnitVolumeM3));
        }).ToList();

        // Nodes: each vehicle's start (its depot, or where it is when re-planning), each depot as the end, each delivery's place.
        var points = new List<GeoPoint>();
        var depotNode = new Dictionary<Guid, int>();
        var usable = new List<Fleet>();
        foreach (var f in fleet)
        {
            if (depots.TryGetValue(f.Vehicle.WarehouseId, out var depot) && depot.Location is { } at)
            {
                if (!depotNode.ContainsKey(depot.Id))
                {
                    depotNode[depot.Id] = points.Count;
                    points.Add(at);
                }

                usable.Add(f);
            }
        }

        var startNode = usable.Select(f =>
        {
            if (f.StartAt is not { } at)
            {
                return depotNode[f.Vehicle.WarehouseId];
            }

            points.Add(at);
            return points.Count - 1;
        }).ToList();
        var deliveryNode = new int[deliveries.Count];
        for (var d = 0; d < deliveries.Count; d++)
        {
            deliveryNode[d] = deliveries[d].At is { } at ? points.Count : -1;
            if (deliveries[d].At is { } p)
            {
                points.Add(p);
            }
        }

        var closures = await TravelTimes.ClosuresAsync(db, ct);
        var grid = travel.Grid(points, closures, NeedProposals.DeliveryKind);
        var n = points.Count;
        var matrix = new int[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var seconds = grid.Seconds(i, j);
                matrix[i * n + j] = double.IsFinite(seconds) ? (int)Math.Min(Math.Round(seconds), VrpProblem.Unreachable - 1) : VrpProblem.Unreachable;
            }
        }

        var jobs = new List<VrpJob>();
        var jobDelivery = new List<int>();
        var unserved = new List<(int Delivery, UnservedCause Cause)>();
        var service = Seconds(settings.ServiceTime);
        var penaltyScale = PenaltyScale(matrix, service, settings.DropPenalties);
        for (var d = 0; d < deliveries.Count; d++)
        {
            var delivery = deliveries[d];
            var allowed = delivery.Need.ItemCode is { } code
                ? Enumerable.Range(0, usable.Count).Where(v => stocked.Contains((usable[v].Vehicle.WarehouseId, code))).ToHashSet()
                : null;
            UnservedCause? cause = deliveryNode[d] < 0 ? UnservedCause.NoLocation
                : !grid.CanSnap(deliveryNode[d]) ? UnservedCause.CannotSnap
                : usable.Count == 0 || allowed is { Count: 0 } ? UnservedCause.NoVehicles
                : delivery.Need.NeededBy <= departAt ? UnservedCause.WindowInfeasible
                : null;
            if (cause is { } c)
            {
                unserved.Add((d, c));
                continue;
            }

            jobDelivery.Add(d);
            jobs.Add(new VrpJob(deliveryNode[d], [Units(delivery.Kg, WeightUnitsPerKg), Units(delivery.M3, VolumeUnitsPerM3)], 0,
                Seconds(delivery.Need.NeededBy - departAt), service, delivery.PriorityClass, settings.DropPenalties[delivery.PriorityClass] * penaltyScale, allowed));
        }

        // A vehicle works its shift around departure, unless that shift ends too soon to serve any delivery at all (a
        // plan made at 21:55 for crews off at 22:00): then it is planned from its next shift, and its route says when it
        // leaves. Otherwise every delivery of an evening plan would come out as "no vehicle gets there in time".
        var vrpVehicles = new List<VrpVehicle>();
        for (var v = 0; v < usable.Count; v++)
        {
            var vehicle = usable[v].Vehicle;
            var at = usable[v].StartTime ?? departAt;
            var shift = vehicle.ShiftAround(at);
            if (!CanServeAny(v, shift.Start, shift.End) && vehicle.ShiftAround(shift.End) is var next && CanServeAny(v, next.Start, next.End))
            {
                shift = next;
            }

            var from = Max(shift.Start, at);
            vrpVehicles.Add(new VrpVehicle(startNode[v], depotNode[vehicle.WarehouseId],
                [Units(vehicle.CapacityKg, WeightUnitsPerKg, floor: true), Units(vehicle.CapacityM3, VolumeUnitsPerM3, floor: true)],
                Seconds(from - departAt), Seconds(shift.End - departAt), 1 / vehicle.SpeedFactor));
        }

        // Whether vehicle v, starting within the shift, could drive to one delivery it may take, serve it and be back in time.
        bool CanServeAny(int v, DateTimeOffset shiftStart, DateTimeOffset shiftEnd)
        {
            var vehicle = usable[v].Vehicle;
            var from = Max(shiftStart, usable[v].StartTime ?? departAt);
            var scale = 1 / vehicle.SpeedFactor;
            var end = depotNode[vehicle.WarehouseId];
            foreach (var job in jobs)
            {
                if (job.Vehicles is { } allowedVehicles && !allowedVehicles.Contains(v))
                {
                    continue;
                }

                var there = matrix[startNode[v] * n + job.Node];
                var back = matrix[job.Node * n + end];
                if (there != VrpProblem.Unreachable && back != VrpProblem.Unreachable
                    && from.AddSeconds((there + back) * scale + job.Service) <= shiftEnd)
                {
                    return true;
                }
            }

            return false;
        }

        var problem = new VrpProblem(n, matrix, (int[])matrix.Clone(), jobs, vrpVehicles);
        var start = previous is null ? null : StartFrom(previous, usable, jobs, jobDelivery, deliveries);
        var solution = jobs.Count == 0 ? new VrpSolution([], [])
            : await Task.Run(() => VrpSolver.Solve(problem, new VrpOptions(TimeSpan.FromSeconds(plan.Seconds), plan.Seed, settings.IterationLimit, start), ct), ct);
        unserved.AddRange(solution.Unserved.Select(u => (jobDelivery[u.Job], Cause(u.Reason))));

        var planned = new DeliveryPlan(plan.Id, plan.Number, plan.PlanVersion, plan.PreviousId, plan.IncidentId, plan.IncidentNumber, plan.RegionCode,
            plan.RegionPath, grid.Method, departAt, plan.Seconds, plan.Seed, plan.IsExercise, now, plan.CreatedBy);
        var stopNumber = 0;
        var routeNumber = 0;
        var servedByVehicle = served.GroupBy(s => s.Route).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Sequence).ToList());
        var previousRoutes = previous?.Routes.ToDictionary(r => r.Number) ?? [];
        foreach (var route in solution.Routes.OrderBy(r => r.Vehicle))
        {
            var vehicle = usable[route.Vehicle].Vehicle;
            routeNumber++;
            var sequence = 0;
            var keptServed = servedByVehicle.Where(kv => previousRoutes.TryGetValue(kv.Key, out var r) && r.VehicleId == vehicle.Id)
                .SelectMany(kv => kv.Value).ToList();
            foreach (var s in keptServed)
            {
                var copy = new PlanStop(++stopNumber, routeNumber, ++sequence, s.NeedId, s.NeedNumber, s.SiteCode, s.PlaceName, s.Latitude, s.Longitude,
                    s.ItemCode, s.Quantity, s.Unit, s.Kg, s.M3, s.PriorityClass, s.Arrival, s.ServiceStart, s.Departure, s.Due);
                copy.CarryServed(s);
                planned.Stops.Add(copy);
            }

            var line = new List<double[]>();
            var meters = 0.0;
            var node = startNode[route.Vehicle];
            decimal kg = 0, m3 = 0;
            foreach (var stop in route.Stops)
            {
                var delivery = deliveries[jobDelivery[stop.Job]];
                var to = deliveryNode[jobDelivery[stop.Job]];
                Extend(line, grid.Path(node, to));
                meters += grid.Meters(node, to);
                node = to;
                kg += delivery.Kg;
                m3 += delivery.M3;
                planned.Stops.Add(new PlanStop(++stopNumber, routeNumber, ++sequence, delivery.Need.Id, delivery.Need.Number, delivery.SiteCode,
                    delivery.PlaceName, delivery.At!.Value.Latitude, delivery.At.Value.Longitude, delivery.Need.ItemCode, delivery.Quantity,
                    delivery.Need.Unit, Math.Round(delivery.Kg, 3), Math.Round(delivery.M3, 3), delivery.PriorityClass, departAt.AddSeconds(stop.Arrival),
                    departAt.AddSeconds(stop.ServiceStart), departAt.AddSeconds(stop.Departure), delivery.Need.NeededBy));
            }

            var end = depotNode[vehicle.WarehouseId];
            Extend(line, grid.Path(node, end));
            meters += grid.Meters(node, end);
            var startPoint = points[startNode[route.Vehicle]];
            planned.Routes.Add(new PlanRoute(routeNumber, vehicle.Id, vehicle.Code, vehicle.Name, vehicle.WarehouseCode, startPoint.Latitude,
                startPoint.Longitude, departAt.AddSeconds(route.Departure), departAt.AddSeconds(route.Return), Math.Round(meters), route.Return - route.Departure,
                Math.Round(kg, 3), Math.Round(m3, 3), JsonSerializer.Serialize(line)));
        }

        // A vehicle whose remaining stops all went elsewhere keeps a route of what it already delivered.
        foreach (var (oldRoute, kept) in servedByVehicle.Where(kv => previousRoutes.ContainsKey(kv.Key)
                     && !planned.Routes.Any(r => r.VehicleId == previousRoutes[kv.Key].VehicleId)))
        {
            var was = previousRoutes[oldRoute];
            routeNumber++;
            var sequence = 0;
            foreach (var s in kept)
            {
                var copy = new PlanStop(++stopNumber, routeNumber, ++sequence, s.NeedId, s.NeedNumber, s.SiteCode, s.PlaceName, s.Latitude, s.Longitude,
                    s.ItemCode, s.Quantity, s.Unit, s.Kg, s.M3, s.PriorityClass, s.Arrival, s.ServiceStart, s.Departure, s.Due);
                copy.CarryServed(s);
                planned.Stops.Add(copy);
            }

            planned.Routes.Add(new PlanRoute(routeNumber, was.VehicleId, was.VehicleCode, was.VehicleName, was.DepotCode, was.StartLatitude,
                was.StartLongitude, was.Departure, kept[^1].Departure, 0, 0, kept.Sum(k => k.Kg), kept.Sum(k => k.M3), "[]"));
        }

        var unservedNumber = 0;
        foreach (var (d, cause) in unserved.OrderBy(u => deliveries[u.Delivery].PriorityClass).ThenBy(u => u.Delivery))
        {
            var delivery = deliveries[d];
            planned.Unserved.Add(new PlanUnserved(++unservedNumber, delivery.Need.Id, delivery.Need.Number, delivery.SiteCode, delivery.PlaceName,
                delivery.At?.Latitude, delivery.At?.Longitude, delivery.Quantity, delivery.Need.Unit, delivery.PriorityClass, cause));
        }

        return planned;
    }

    /// <summary>The previous plan's routes, for the stops still to serve, as a starting solution in the new problem's indexes.</summary>
    private static VrpSolution? StartFrom(DeliveryPlan previous, IReadOnlyList<Fleet> usable, IReadOnlyList<VrpJob> jobs, IReadOnlyList<int> jobDelivery,
        IReadOnlyList<Delivery> deliveries)
    {
        var jobOfNeed = new Dictionary<Guid, int>();
        for (var j = 0; j < jobs.Count; j++)
        {
            jobOfNeed[deliveries[jobDelivery[j]].Need.Id] = j;
        }

        var routes = new List<VrpRoute>();
        foreach (var route in previous.Routes)
        {
            var v = usable.ToList().FindIndex(f => f.Vehicle.Id == route.VehicleId);
            var stops = previous.Stops.Where(s => s.Route == route.Number && s.ServedAt is null).OrderBy(s => s.Sequence)
                .Where(s => jobOfNeed.ContainsKey(s.NeedId)).Select(s => new VrpStop(jobOfNeed[s.NeedId], 0, 0, 0)).ToList();
            if (v >= 0 && stops.Count > 0)
            {
                routes.Add(new VrpRoute(v, stops, 0, 0, 0));
            }
        }

        return routes.Count == 0 ? null : new VrpSolution(routes, []);
    }

    private static void Extend(List<double[]> line, IReadOnlyList<double[]> path)
    {
        foreach (var p in path)
        {
            if (line.Count == 0 || line[^1][0] != p[0] || line[^1][1] != p[1])
            {
                line.Add(p);
            }
        }
    }

    private static UnservedCause Cause(UnservedReason reason) => reason switch
    {
        UnservedReason.NoVehicles => UnservedCause.NoVehicles,
        UnservedReason.Unreachable => UnservedCause.Unreachable,
        UnservedReason.TooLarge => UnservedCause.TooLarge,
        UnservedReason.TimeWindow => UnservedCause.WindowInfeasible,
        _ => UnservedCause.NoRoom,
    };

    private static int Units(decimal value, decimal perUnit, bool floor = false)
    {
        var scaled = value * perUnit;
        return (int)Math.Min(int.MaxValue / 4, floor ? Math.Floor(scaled) : Math.Ceiling(scaled));
    }

    /// <summary>
    /// A delivery is left out only when the fleet cannot take it, never because it is far: the configured
    /// penalties keep their ratios but are scaled until the least of them outweighs any detour (two of the
    /// longest drives plus a stop).
    /// </summary>
    private static long PenaltyScale(int[] matrix, int service, IReadOnlyList<long> penalties)
    {
        long longest = 0;
        foreach (var seconds in matrix)
        {
            if (seconds < VrpProblem.Unreachable && seconds > longest)
            {
                longest = seconds;
            }
        }

        var least = Math.Max(1, penalties.Min());
        return Math.Max(1, (2 * longest + service) / least + 1);
    }

    /// <summary>
    /// Needs in the order the solver sees them: oldest first, and needs published in the same instant by what they ask
    /// for rather than by their random ids, so the same board, seed and iteration cap give the same routes.
    /// </summary>
    private static List<Need> InPlanningOrder(IEnumerable<Need> needs) =>
        [.. needs.OrderBy(n => n.PublishedAt).ThenBy(n => n.RegionCode, StringComparer.Ordinal).ThenBy(n => n.SiteCode, StringComparer.Ordinal)
            .ThenBy(n => n.ItemCode, StringComparer.Ordinal).ThenBy(n => n.Quantity).ThenBy(n => n.NeededBy).ThenBy(n => n.Number, StringComparer.Ordinal)];

    private static int Seconds(TimeSpan span) => (int)Math.Clamp(Math.Floor(span.TotalSeconds), 0, VrpProblem.Unreachable - 1);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static JournalRecord Computed(DeliveryPlan plan, string actor, DateTimeOffset now, string type) =>
        new(now, actor, type, plan.RegionCode, plan.RegionPath, plan.IncidentId, new
        {
            planId = plan.Id,
            plan.Number,
            version = plan.PlanVersion,
            previousId = plan.PreviousId,
            method = TravelEstimate.MethodName(plan.Method),
            routes = plan.Routes.Count,
            stops = plan.Stops.Count,
            unserved = plan.Unserved.Count,
            unservedByCause = plan.Unserved.GroupBy(u => u.Cause).ToDictionary(g => g.Key.ToString(), g => g.Count()),
        }, plan.IsExercise);

    /// <summary>Gives one order per route to <paramref name="unitId"/> (default: the headquarters' delivery fleet unit), in one transaction.</summary>
    /// <exception cref="ProblemException">404; 403; 409 no-headquarters; 409 plan-already-issued, plan-superseded.</exception>
    public async Task<DeliveryPlan> IssueAsync(Guid planId, Guid? unitId, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await factory.CreateDbContextAsync(ct);
        var plan = await LoadAsync(db, planId, access, Permission.PlanDispatch, ct);
        var now = clock.GetUtcNow();
        plan.Issue(now, access.Name);
        var hq = await HeadquartersAsync(db, plan, ct);
        var unit = await UnitAsync(db, hq, unitId, access, now, ct);
        foreach (var route in plan.Routes.OrderBy(r => r.Number))
        {
            var order = await IssueRouteAsync(db, access, plan, hq, unit, route, null, now, ct);
            route.Ordered(order.Id);
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanIssued, plan.RegionCode, plan.RegionPath, plan.IncidentId, new
        {
            planId = plan.Id,
            plan.Number,
            version = plan.PlanVersion,
            unitId = unit.Id,
            orders = plan.Routes.Select(r => new { route = r.Number, vehicle = r.VehicleCode, orderId = r.OrderId }),
        }, plan.IsExercise));
        await db.SaveChangesAsync(ct);
        return plan;
    }

    /// <summary>Marks a stop delivered: by whoever acts for the route's order, or by a planner.</summary>
    /// <exception cref="ProblemException">404; 403; 409 plan-not-issued, stop-already-served, plan-superseded.</exception>
    public async Task<DeliveryPlan> ServeAsync(Guid planId, int stopNumber, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await factory.CreateDbContextAsync(ct);
        var plan = await db.DeliveryPlans.SingleOrDefaultAsync(p => p.Id == planId, ct) ?? throw ProblemException.NotFound($"Dispatch plan '{planId}'");
        var stop = plan.Stops.SingleOrDefault(s => s.Number == stopNumber) ?? throw ProblemException.NotFound($"Stop {stopNumber} of plan {plan.Number}");
        var route = plan.Routes.Single(r => r.Number == stop.Route);
        var mayPlan = access.Can(Permission.PlanDispatch, plan.RegionPath);
        var actsFor = false;
        if (!mayPlan && route.OrderId is { } orderId && await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, ct) is { } order)
        {
            var unit = await db.CommandUnits.AsNoTracking().Include(u => u.Members).SingleAsync(u => u.Id == order.UnitId, ct);
            actsFor = OrderDesk.ActsFor(access, unit, order.RegionPath);
        }

        if (!mayPlan && !actsFor)
        {
            throw access.Can(Permission.ReadOrders, plan.RegionPath)
                ? ProblemException.Forbidden("Only a planner or those acting for the route's order may mark its stops served.")
                : ProblemException.NotFound($"Dispatch plan '{planId}'");
        }

        plan.EnsureCurrent();
        if (plan.Status != PlanStatus.Issued)
        {
            throw DomainException.Conflict("plan-not-issued", $"Plan {plan.Number} v{plan.PlanVersion} is not issued yet: nothing is on the road.");
        }

        var now = clock.GetUtcNow();
        stop.Serve(now, access.Name);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanStopServed, plan.RegionCode, plan.RegionPath, plan.IncidentId, new
        {
            planId = plan.Id,
            plan.Number,
            stop = stop.Number,
            route = stop.Route,
            needId = stop.NeedId,
            stop.NeedNumber,
            stop.Quantity,
        }, plan.IsExercise));
        await db.SaveChangesAsync(ct);
        return plan;
    }

    /// <summary>
    /// A new version of the plan: served stops kept, each vehicle starting from its last served stop now, the rest
    /// routed again with the closures and needs as they are (the old routes seed the search). An issued plan stays
    /// issued: a route whose stops are unchanged keeps its order, a changed route gets a new order that says which it replaces.
    /// </summary>
    /// <exception cref="ProblemException">404; 403; 409 plan-superseded, nothing-to-replan.</exception>
    public async Task<DeliveryPlan> ReplanAsync(Guid planId, int? seconds, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var errors = new FieldErrors();
        errors.Check(seconds is null or (>= 1 and <= MaxSeconds), "seconds", $"From 1 to {MaxSeconds}.");
        errors.ThrowIfAny();
        await using var db = await factory.CreateDbContextAsync(ct);
        var old = await LoadAsync(db, planId, access, Permission.PlanDispatch, ct);
        old.EnsureCurrent();
        var now = clock.GetUtcNow();
        var served = old.Stops.Where(s => s.ServedAt is not null).ToList();
        var servedNeeds = served.Select(s => s.NeedId).ToHashSet();
        var pending = old.Stops.Where(s => s.ServedAt is null).Select(s => s.NeedId).Concat(old.Unserved.Select(u => u.NeedId))
            .Where(id => !servedNeeds.Contains(id)).Distinct().ToList();
        var needs = (await db.Needs.AsNoTracking().Where(n => pending.Contains(n.Id)).ToListAsync(ct))
            .Where(n => n.Status == NeedStatus.Open && n.Remaining > 0).ToList();
        needs = InPlanningOrder(needs);
        if (needs.Count == 0)
        {
            throw DomainException.Conflict("nothing-to-replan", $"Every delivery of plan {old.Number} is served or no longer needed.");
        }

        var vehicleIds = old.Routes.Select(r => r.VehicleId).ToList();
        var vehicles = await db.Vehicles.AsNoTracking().Where(v => vehicleIds.Contains(v.Id) && v.Status == VehicleStatus.Available).ToListAsync(ct);
        var fleet = vehicles.OrderBy(v => v.Code, StringComparer.Ordinal).Select(v =>
        {
            var route = old.Routes.Single(r => r.VehicleId == v.Id);
            var last = served.Where(s => s.Route == route.Number).OrderBy(s => s.Sequence).LastOrDefault();
            return last is null ? new Fleet(v, old.Status == PlanStatus.Issued && now > old.DepartAt ? new GeoPoint(route.StartLatitude, route.StartLongitude) : null,
                    old.Status == PlanStatus.Issued && now > old.DepartAt ? now : null)
                : new Fleet(v, new GeoPoint(last.Latitude, last.Longitude), now);
        }).ToList();
        if (fleet.Count == 0)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "no-vehicles", "No vehicles",
                $"None of the vehicles of plan {old.Number} is available any more.");
        }

        var next = new DeliveryPlan(Guid.CreateVersion7(now), old.Number, old.PlanVersion + 1, old.Id, old.IncidentId, old.IncidentNumber, old.RegionCode,
            old.RegionPath, old.Method, old.DepartAt > now ? old.DepartAt : now, seconds ?? old.Seconds, old.Seed, old.IsExercise, now, access.Name);
        var built = await SolveAsync(db, next, needs, fleet, served, old, ct);
        built.CarryIssue(old);
        old.Supersede(built.Id);
        var replaced = new List<object>();
        if (old.Status == PlanStatus.Superseded && built.Status == PlanStatus.Issued)
        {
            var hq = await HeadquartersAsync(db, built, ct);
            foreach (var route in built.Routes.OrderBy(r => r.Number))
            {
                var was = old.Routes.SingleOrDefault(r => r.VehicleId == route.VehicleId);
                var before = was is null ? [] : old.Stops.Where(s => s.Route == was.Number && s.ServedAt is null).OrderBy(s => s.Sequence).Select(s => s.NeedId).ToList();
                var after = built.Stops.Where(s => s.Route == route.Number && s.ServedAt is null).OrderBy(s => s.Sequence).Select(s => s.NeedId).ToList();
                if (was?.OrderId is { } kept && before.SequenceEqual(after))
                {
                    route.Ordered(kept);
                    continue;
                }

                var unitId = was?.OrderId is { } previousOrder
                    ? (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == previousOrder, ct)).UnitId
                    : (await UnitAsync(db, hq, null, access, now, ct)).Id;
                var unit = db.CommandUnits.Local.SingleOrDefault(u => u.Id == unitId) ?? await db.CommandUnits.SingleAsync(u => u.Id == unitId, ct);
                var order = await IssueRouteAsync(db, access, built, hq, unit, route, was?.OrderId, now, ct);
                route.Ordered(order.Id);
                replaced.Add(new { route = route.Number, vehicle = route.VehicleCode, orderId = order.Id, replaces = was?.OrderId });
            }

            foreach (var gone in old.Routes.Where(r => r.OrderId is not null && built.Routes.All(b => b.VehicleId != r.VehicleId)))
            {
                replaced.Add(new { route = (int?)null, vehicle = gone.VehicleCode, orderId = (Guid?)null, replaces = gone.OrderId });
            }
        }

        db.DeliveryPlans.Add(built);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanReplanned, built.RegionCode, built.RegionPath, built.IncidentId, new
        {
            planId = built.Id,
            previousId = old.Id,
            built.Number,
            version = built.PlanVersion,
            method = TravelEstimate.MethodName(built.Method),
            reason = old.ReplanText,
            kept = served.Count,
            routes = built.Routes.Count,
            unserved = built.Unserved.Count,
            orders = replaced,
        }, built.IsExercise));
        await db.SaveChangesAsync(ct);
        return built;
    }

    /// <summary>A plan the caller may see (404 otherwise) and act on with <paramref name="permission"/> (403 otherwise).</summary>
    public static async Task<DeliveryPlan> LoadAsync(CrisisOpsDbContext db, Guid planId, CallerAccess access, Permission permission, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var plan = await db.DeliveryPlans.SingleOrDefaultAsync(p => p.Id == planId, ct) ?? throw ProblemException.NotFound($"Dispatch plan '{planId}'");
        if (!access.Can(Permission.ReadOrders, plan.RegionPath) && !access.Can(permission, plan.RegionPath))
        {
            throw ProblemException.NotFound($"Dispatch plan '{planId}'");
        }

        if (!access.Can(permission, plan.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{permission}' in region '{plan.RegionCode}'.");
        }

        return plan;
    }

    private static async Task<Headquarters> HeadquartersAsync(CrisisOpsDbContext db, DeliveryPlan plan, CancellationToken ct) =>
        await db.Headquarters.SingleOrDefaultAsync(h => h.IncidentId == plan.IncidentId, ct)
        ?? throw new ProblemException(StatusCodes.Status409Conflict, "no-headquarters", "No headquarters to give the orders",
            $"Incident {plan.IncidentNumber} has no headquarters; routes become orders of its headquarters.");

    private async Task<CommandUnit> UnitAsync(CrisisOpsDbContext db, Headquarters hq, Guid? unitId, CallerAccess access, DateTimeOffset now,
        CancellationToken ct)
    {
        if (unitId is { } id)
        {
            return await db.CommandUnits.SingleOrDefaultAsync(u => u.Id == id, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-unit", "Unknown unit", $"There is no unit '{id}'.");
        }

        var fleet = db.CommandUnits.Local.FirstOrDefault(u => u.HeadquartersId == hq.Id && u.Kind == UnitKind.TaskForce && u.Name == FleetUnitName)
            ?? await db.CommandUnits.FirstOrDefaultAsync(u => u.HeadquartersId == hq.Id && u.Kind == UnitKind.TaskForce && u.Name == FleetUnitName, ct);
        if (fleet is not null)
        {
            return fleet;
        }

        fleet = new CommandUnit(Guid.CreateVersion7(now), hq.Id, hq.IncidentId, FleetUnitName, UnitKind.TaskForce, null, null, null, null, now, access.Name);
        db.CommandUnits.Add(fleet);
        db.Append(OrderDesk.UnitCreated(hq, fleet, now, access.Name));
        return fleet;
    }

    private Task<Order> IssueRouteAsync(CrisisOpsDbContext db, CallerAccess access, DeliveryPlan plan, Headquarters hq, CommandUnit unit, PlanRoute route,
        Guid? replaces, DateTimeOffset now, CancellationToken ct)
    {
        var stops = plan.Stops.Where(s => s.Route == route.Number).OrderBy(s => s.Sequence).ToList();
        var toServe = stops.Where(s => s.ServedAt is null).ToList();
        var details = new System.Text.StringBuilder();
        if (replaces is { } previous)
        {
            details.Append(CultureInfo.InvariantCulture, $"替换指令 / Replaces order {previous}\n");
        }

        details.Append(CultureInfo.InvariantCulture, $"{plan.Number} v{plan.PlanVersion} · {route.VehicleCode} · {route.DepotCode}\n");
        foreach (var s in stops)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{s.Sequence}. [{s.Number}] {s.PlaceName} · {s.NeedNumber} · {s.Quantity:0.###} {s.Unit} · {s.Arrival.UtcDateTime:HH:mm}Z{(s.ServedAt is null ? "" : " ✓")}\n");
            if (details.Length + line.Length > Order.MaxDetailsLength - 20)
            {
                details.Append('…');
                break;
            }

            details.Append(line);
        }

        var urgent = toServe.Count > 0 ? toServe.Min(s => s.PriorityClass) : DeliveryPriority.Others;
        var due = route.Return > now + TimeSpan.FromMinutes(5) ? route.Return : now + TimeSpan.FromMinutes(5);
        return desk.IssueAsync(db, access, hq.Id, unit.Id, new NewOrder(
            string.Create(CultureInfo.InvariantCulture,
                $"配送路线{route.Number}：{route.VehicleCode}，{toServe.Count}个站点 / Delivery route {route.Number}: {route.VehicleCode}, {toServe.Count} stops"),
            details.ToString(), new OrderPlace(plan.RegionCode, null, null), due,
            urgent <= DeliveryPriority.Schools ? OrderPriority.Urgent : OrderPriority.High, null, new OrderSource("dispatch-plan", plan.Id)), ct);
    }
}
