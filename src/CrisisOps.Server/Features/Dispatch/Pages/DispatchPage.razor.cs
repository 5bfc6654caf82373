using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;

namespace CrisisOps.Server.Features.Dispatch.Pages;

/// <summary>
/// An incident's delivery plan on the map (配送调度): routes, numbered stops, depots, closed roads and the deliveries
/// left out with their reasons; planners plan, issue and re-plan, and those who close roads click one on the map.
/// Live: a plan computed, issued or flagged, a road closed or reopened, a need changed — the page reloads.
/// </summary>
public sealed partial class DispatchPage
{
    /// <summary>Route colours: distinct on white and on the light grey roads beneath.</summary>
    private static readonly string[] Colours =
        ["#1971c2", "#2f9e44", "#e8590c", "#9c36b5", "#0c8599", "#c2255c", "#5c940d", "#364fc7", "#a61e4d", "#d9480f"];

    /// <summary>A click closes a road it lies on or next to, not one a street away (deliveries snap much further: <see cref="TravelTimes.SnapMeters"/>).</summary>
    private const double ClickMeters = 100;

    /// <summary>The journal entries that change what this page shows.</summary>
    private static readonly string[] Relevant =
    [
        JournalTypes.RoadClosed, JournalTypes.RoadReopened, JournalTypes.PlanComputed, JournalTypes.PlanIssued, JournalTypes.PlanStopServed,
        JournalTypes.PlanNeedsReplan, JournalTypes.PlanReplanned,
    ];

    private ElementReference _mapElement;
    private IJSObjectReference? _module;
    private IJSObjectReference? _map;
    private DotNetObjectReference<DispatchPage>? _self;
    private IDisposable? _subscription;
    private bool _disposed;
    private bool _mapReady;
    private bool _mapUnavailable;
    private bool _roadsDrawn;
    private bool _notFound;
    private bool _busy;
    private string? _busyText;
    private string? _error;
    private long _seenJournal;
    private readonly SemaphoreSlim _reloading = new(1, 1);

    private CallerAccess _access = CallerAccess.Anonymous;
    private Incident? _incident;
    private List<PlanChoice> _plans = [];
    private Guid? _selectedPlan;
    private DispatchPlanView? _plan;
    private Dictionary<Guid, string> _needText = [];
    private List<ClosureRow> _closures = [];
    private HashSet<int> _routesOnClosedRoads = [];
    private int _seconds = 5;

    private bool _closeMode;
    private ClosureDraft? _draft;
    private string _reasonZh = "";
    private string _reasonEn = "";

    [Parameter] public string Key { get; set; } = "";

    [Inject] private IDbContextFactory<CrisisOpsDbContext> Db { get; set; } = null!;

    [Inject] private CallerAccessor Caller { get; set; } = null!;

    [Inject] private JournalNotifier Notifier { get; set; } = null!;

    [Inject] private IJSRuntime JS { get; set; } = null!;

    [Inject] private IConfiguration Configuration { get; set; } = null!;

    [Inject] private DeliveryPlanner Planner { get; set; } = null!;

    [Inject] private DispatchViews Views { get; set; } = null!;

    [Inject] private RoadClosureDesk Desk { get; set; } = null!;

    [Inject] private RoadNetworkHost Roads { get; set; } = null!;

    [Inject] private DispatchSettings Settings { get; set; } = null!;

    private sealed record PlanChoice(Guid Id, string Number, int Version, PlanStatus Status, DateTimeOffset CreatedAt);

    /// <summary>An active closure near the incident, with the ways it shuts and whether the caller may reopen it.</summary>
    private sealed record ClosureRow(RoadClosure Closure, IReadOnlyList<RoadWay> Ways, bool MayReopen);

    /// <summary>Where the user clicked to close a road, and the way it snaps to (null: no drivable road near).</summary>
    private sealed record ClosureDraft(double Latitude, double Longitude, RoadWay? Way, double? OffsetMeters);

    private static bool Zh => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    private bool MayPlan => _incident is { } i && _access.Can(Permission.PlanDispatch, i.RegionPath);

    private bool MayClose => _incident is { } i && _access.Can(Permission.CloseRoads, i.RegionPath);

    private bool IsCurrent => _plan is { SupersededById: null };

    protected override async Task OnInitializedAsync()
    {
        _seconds = Settings.DefaultSeconds;
        await LoadAsync();
        if (RendererInfo.IsInteractive)
        {
            _subscription = Notifier.Subscribe(() => _ = InvokeAsync(() => WhileOnPageAsync(OnJournalAsync)));
        }
    }

    protected override Task OnAfterRenderAsync(bool firstRender) =>
        firstRender && RendererInfo.IsInteractive && _incident is not null ? WhileOnPageAsync(InitialiseMapAsync) : Task.CompletedTask;

    /// <summary>Map work can outlive the page (people navigate away mid-push); a call into a disposed module ends quietly.</summary>
    private async Task WhileOnPageAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (_disposed && ex is ObjectDisposedException or JSDisconnectedException or JSException or TaskCanceledException)
        {
            // The page is gone; so is its map.
        }
    }

    /// <summary>Reloads only when the journal grew by something this page shows (plans, closures, needs).</summary>
    private async Task OnJournalAsync()
    {
        if (_incident is null)
        {
            return;
        }

        await using (var db = await Db.CreateDbContextAsync())
        {
            var latest = await db.Journal.AsNoTracking()
                .Where(j => j.Id > _seenJournal && (Relevant.Contains(j.Type) || j.Type.StartsWith("need.")))
                .MaxAsync(j => (long?)j.Id);
            if (latest is null)
            {
                return;
            }
        }

        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        await _reloading.WaitAsync();
        try
        {
            await LoadAsync();
            await PushAsync();
            StateHasChanged();
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task LoadAsync()
    {
        _access = await Caller.RefreshAsync();
        await using var db = await Db.CreateDbContextAsync();
        _seenJournal = await db.Journal.AsNoTracking().MaxAsync(j => (long?)j.Id) ?? 0;
        var incident = await IncidentQueries.FindAsync(db, Key, CancellationToken.None);
        if (incident is null || !_access.Can(Permission.ReadOrders, incident.RegionPath))
        {
            _notFound = true;
            return;
        }

        _incident = incident;
        var plans = await db.DeliveryPlans.AsNoTracking().Where(p => p.IncidentId == incident.Id).ToListAsync();
        _plans = [.. plans.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.PlanVersion)
            .Select(p => new PlanChoice(p.Id, p.Number, p.PlanVersion, p.Status, p.CreatedAt))];

        // The plan shown: the one chosen while it is still current, else its successor, else the newest current plan.
        var chosen = plans.SingleOrDefault(p => p.Id == _selectedPlan);
        while (chosen?.SupersededById is { } next && plans.SingleOrDefault(p => p.Id == next) is { } successor)
        {
            chosen = successor;
        }

        chosen ??= plans.Where(p => p.IsCurrent).OrderByDescending(p => p.CreatedAt).FirstOrDefault()
            ?? plans.OrderByDescending(p => p.CreatedAt).FirstOrDefault();
        _selectedPlan = chosen?.Id;
        _plan = chosen is null ? null : await Views.ViewAsync(chosen, CancellationToken.None);

        var needIds = _plan is null ? [] : _plan.Routes.SelectMany(r => r.Stops).Select(s => s.NeedId).Concat(_plan.UnservedDeliveries.Select(u => u.NeedId))
            .Distinct().ToList();
        _needText = await db.Needs.AsNoTracking().Where(n => needIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.What);

        var path = incident.RegionPath;
        // The closures that bear on the incident's routes: inside its region, or over it (a city-wide closure).
        var closures = (await db.RoadClosures.AsNoTracking().Where(c => c.Status == ClosureStatus.Active).ToListAsync())
            .Where(c => RegionPath.Covers(c.RegionPath, path) || RegionPath.Covers(path, c.RegionPath))
            .OrderByDescending(c => c.ClosedAt).ToList();
        _closures = [.. closures.Select(c => new ClosureRow(c, Desk.ClosedWays([c]), _access.Can(Permission.CloseRoads, c.RegionPath)))];
        var ways = _closures.SelectMany(c => c.Ways).DistinctBy(w => w.Id).ToList();
        var areas = closures.Where(c => c.Kind == ClosureKind.Area).Select(c => c.Area).ToList();
        _routesOnClosedRoads = _plan is null ? [] : [.. _plan.Routes.Where(r => DrivesOn(r.Geometry, ways, areas)).Select(r => r.Number)];
    }

    private async Task InitialiseMapAsync()
    {
        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/dispatch-map.js");
        _map = await _module.InvokeAsync<IJSObjectReference?>("create", _mapElement, new
        {
            tileUrl = Configuration["Map:TileUrl"],
            tileAttribution = Configuration["Map:TileAttribution"],
            attribution = "Roads © OpenStreetMap contributors (ODbL)",
        }, _self);
        if (_map is null)
        {
            _mapUnavailable = true;
            StateHasChanged();
            return;
        }

        await PushAsync();
        _mapReady = true;
        StateHasChanged();
    }

    /// <summary>Sends the roads (once the network is loaded), the plan and the closures to the map.</summary>
    private async Task PushAsync()
    {
        if (_module is null || _map is null)
        {
            return;
        }

        if (!_roadsDrawn && Roads.Network is { } network)
        {
            await _module.InvokeVoidAsync("setRoads", _map, network.Ways.Select(w => new
            {
                id = w.Id,
                major = w.Highway is "motorway" or "trunk" or "primary" or "secondary" or "tertiary",
                line = w.Geometry.Select(p => new[] { Math.Round(p.Latitude, 6), Math.Round(p.Longitude, 6) }),
            }));
            _roadsDrawn = true;
        }

        await _module.InvokeVoidAsync("setClosures", _map, _closures.Select(c => new
        {
            id = c.Closure.Id,
            lines = new[] { Reason(c.Closure), $"{c.Closure.RegionCode} · {c.Closure.ClosedBy} · {Time(c.Closure.ClosedAt)}" },
            ways = c.Ways.Select(w => new { id = w.Id, line = w.Geometry.Select(p => new[] { p.Latitude, p.Longitude }) }),
            area = c.Closure.Kind == ClosureKind.Area ? c.Closure.Area.Select(p => new[] { p.Latitude, p.Longitude }) : null,
            point = c.Ways.Count == 0 && c.Closure.PointLatitude is { } lat && c.Closure.PointLongitude is { } lon ? new[] { lat, lon } : null,
        }));
        await _module.InvokeVoidAsync("setPlan", _map, PlanForMap());
    }

    private object? PlanForMap()
    {
        if (_plan is not { } plan)
        {
            return null;
        }

        return new
        {
            id = plan.Id,
            version = plan.Version,
            routes = plan.Routes.Select(r => new
            {
                number = r.Number,
                vehicle = r.VehicleCode,
                colour = Colour(r.Number),
                line = r.Geometry.Select(p => new[] { p[1], p[0] }),
                lines = new[]
                {
                    string.Format(CultureInfo.CurrentCulture, T["Dispatch_RouteLine"], r.Number, r.VehicleCode, r.VehicleName),
                    string.Format(CultureInfo.CurrentCulture, T["Dispatch_RouteFigures"], r.Stops.Count, Km(r.Meters), Minutes(r.Seconds)),
                },
            }),
            stops = plan.Routes.SelectMany(r => r.Stops.Select(s => new
            {
                route = r.Number,
                sequence = s.Sequence,
                stop = s.Number,
                need = s.NeedNumber,
                colour = Colour(r.Number),
                served = s.ServedAt is not null,
                lat = s.Latitude,
                lon = s.Longitude,
                lines = StopLines(r, s),
            })),
            depots = plan.Routes.GroupBy(r => (r.StartLatitude, r.StartLongitude)).Select(g => new
            {
                lat = g.Key.StartLatitude,
                lon = g.Key.StartLongitude,
                lines = new[] { string.Format(CultureInfo.CurrentCulture, T["Dispatch_Depot"], string.Join(", ", g.Select(r => r.Depot).Distinct())),
                    string.Join(", ", g.Select(r => r.VehicleCode)) },
            }),
            unserved = plan.UnservedDeliveries.Where(u => u.Latitude is not null && u.Longitude is not null).Select(u => new
            {
                need = u.NeedNumber,
                lat = u.Latitude,
                lon = u.Longitude,
                lines = new[]
                {
                    $"{u.NeedNumber} · {NeedText(u.NeedId)}", u.Place, ClassName(u.PriorityClass),
                    $"{Amount(u.Quantity)} {u.Unit}", Zh ? u.ReasonZh : u.ReasonEn,
                },
            }),
        };
    }

    private string[] StopLines(PlanRouteView route, PlanStopView stop) =>
    [
        string.Format(CultureInfo.CurrentCulture, T["Dispatch_StopLine"], route.Number, stop.Sequence, route.VehicleCode),
        $"{stop.NeedNumber} · {NeedText(stop.NeedId)}",
        stop.Place,
        ClassName(stop.PriorityClass),
        string.Format(CultureInfo.CurrentCulture, T["Dispatch_Arrival"], Time(stop.Arrival)) + (stop.Late ? " · " + T["Dispatch_Late"] : ""),
        $"{Amount(stop.Quantity)} {stop.Unit}" + (stop.ItemCode is null ? "" : $" ({stop.ItemCode})"),
        stop.ServedAt is { } served ? string.Format(CultureInfo.CurrentCulture, T["Dispatch_ServedAt"], Time(served)) : "",
    ];

    /// <summary>
    /// Whether a route drives along a closed way (both ends and the middle of one of its segments on the way) or through a
    /// closed area. A route that only crosses a closed street at a junction does not drive on it: a segment's middle
    /// alone can lie on the street it crosses.
    /// </summary>
    private static bool DrivesOn(IReadOnlyList<double[]> line, IReadOnlyList<RoadWay> ways, IReadOnlyList<IReadOnlyList<GeoPoint>> areas)
    {
        for (var i = 1; i < line.Count; i++)
        {
            var (a, b) = (new GeoPoint(line[i - 1][1], line[i - 1][0]), new GeoPoint(line[i][1], line[i][0]));
            var mid = new GeoPoint((a.Latitude + b.Latitude) / 2, (a.Longitude + b.Longitude) / 2);
            if (ways.Any(w => new[] { a, mid, b }.All(p => RouteGeometry.DistanceToWayMeters(p, w) <= RouteGeometry.OnWayMeters))
                || areas.Any(area => RouteGeometry.Inside(mid, area)))
            {
                return true;
            }
        }

        return false;
    }

    private string NeedText(Guid needId) => _needText.GetValueOrDefault(needId, "");

    private static string Colour(int route) => Colours[(route - 1 + Colours.Length) % Colours.Length];

    private string ClassName(int priorityClass) => T[$"Dispatch_Class_{DeliveryPriority.Name(priorityClass)}"];

    private static string Reason(RoadClosure c) => Zh ? c.ReasonZh : c.ReasonEn;

    private static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);

    private static string Km(double meters) => (meters / 1000).ToString("0.0", CultureInfo.CurrentCulture);

    private static string Minutes(double seconds) => Math.Round(seconds / 60).ToString("0", CultureInfo.CurrentCulture);

    private static string Amount(decimal value) => value.ToString("0.###", CultureInfo.CurrentCulture);

    private string ClosedWayIds => string.Join(",", _closures.SelectMany(c => c.Ways).Select(w => w.Id.ToString(CultureInfo.InvariantCulture)).Distinct());

    private async Task ChoosePlanAsync(ChangeEventArgs e)
    {
        _selectedPlan = Guid.TryParse(e.Value?.ToString(), out var id) ? id : null;
        await ShowChosenAsync();
    }

    /// <summary>Shows exactly the chosen plan (an older version too), not its successor.</summary>
    private async Task ShowChosenAsync()
    {
        await _reloading.WaitAsync();
        try
        {
            await LoadAsync();
            if (_selectedPlan is { } id && _plan?.Id != id)
            {
                await using var db = await Db.CreateDbContextAsync();
                if (await db.DeliveryPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.IncidentId == _incident!.Id) is { } old)
                {
                    _plan = await Views.ViewAsync(old, CancellationToken.None);
                    var ids = _plan.Routes.SelectMany(r => r.Stops).Select(s => s.NeedId).Concat(_plan.UnservedDeliveries.Select(u => u.NeedId)).ToList();
                    _needText = await db.Needs.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.What);
                    var ways = _closures.SelectMany(c => c.Ways).ToList();
                    var areas = _closures.Where(c => c.Closure.Kind == ClosureKind.Area).Select(c => c.Closure.Area).ToList();
                    _routesOnClosedRoads = [.. _plan.Routes.Where(r => DrivesOn(r.Geometry, ways, areas)).Select(r => r.Number)];
                }
            }

            await PushAsync();
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Runs one planner action with the buttons held, showing what failed in words (problem details).</summary>
    private async Task ActAsync(string busyText, Func<CallerAccess, Task<DeliveryPlan?>> action)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        _busyText = busyText;
        _error = null;
        StateHasChanged();
        try
        {
            var access = await Caller.RefreshAsync();
            var plan = await action(access);
            if (plan is not null)
            {
                _selectedPlan = plan.Id;
            }
        }
        catch (ProblemException ex)
        {
            _error = ex.Detail ?? ex.Title;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
            _busyText = null;
        }

        await ReloadAsync();
    }

    private Task PlanAsync() => ActAsync(T["Dispatch_Planning"], async access =>
        await Planner.PlanAsync(_incident!.Number, new PlanRequest(null, null, Math.Clamp(_seconds, 1, DeliveryPlanner.MaxSeconds), null, null), access,
            CancellationToken.None));

    private Task ReplanAsync() => _plan is { } plan
        ? ActAsync(T["Dispatch_Planning"], async access =>
            await Planner.ReplanAsync(plan.Id, Math.Clamp(_seconds, 1, DeliveryPlanner.MaxSeconds), access, CancellationToken.None))
        : Task.CompletedTask;

    private Task IssueAsync() => _plan is { } plan
        ? ActAsync(T["Dispatch_Issuing"], async access => await Planner.IssueAsync(plan.Id, null, access, CancellationToken.None))
        : Task.CompletedTask;

    private async Task ToggleCloseModeAsync()
    {
        _closeMode = !_closeMode;
        _draft = null;
        if (_module is not null && _map is not null)
        {
            await _module.InvokeVoidAsync("setCloseMode", _map, _closeMode);
            await _module.InvokeVoidAsync("setPreview", _map, null);
        }
    }

    /// <summary>In close-road mode a click on the map picks the way nearest to it, shown before anything is closed.</summary>
    [JSInvokable]
    public async Task OnMapClicked(double lat, double lon)
    {
        if (!_closeMode || !MayClose || !GeoPoint.IsValid(lat, lon))
        {
            return;
        }

        var snapped = Roads.Network?.Snap(new Coordinate(lat, lon), ClickMeters);
        var way = snapped is null ? null : Roads.Network!.Way(snapped.WayId);
        _draft = new ClosureDraft(lat, lon, way, snapped?.OffsetMeters);
        if (_module is not null && _map is not null)
        {
            await _module.InvokeVoidAsync("setPreview", _map, way is null ? null : way.Geometry.Select(p => new[] { p.Latitude, p.Longitude }));
        }

        StateHasChanged();
    }

    private async Task CloseRoadAsync()
    {
        if (_draft is not { } draft || _incident is null || _busy)
        {
            return;
        }

        // Closures carry their reason in both languages; whoever writes one only gets it in both.
        var zh = string.IsNullOrWhiteSpace(_reasonZh) ? _reasonEn.Trim() : _reasonZh.Trim();
        var en = string.IsNullOrWhiteSpace(_reasonEn) ? _reasonZh.Trim() : _reasonEn.Trim();
        if (zh.Length == 0)
        {
            _error = T["Dispatch_ReasonRequired"];
            return;
        }

        _busy = true;
        _error = null;
        try
        {
            var access = await Caller.RefreshAsync();
            // The way shown in the preview is the one closed (the click was snapped when it was made).
            if (draft.Way is null)
            {
                return;
            }

            var request = new ClosureRequest(ClosureKind.Way, draft.Way.Id, null, null, zh, en, _incident.Id);
            if (RoadClosure.Problem(request) is { } problem)
            {
                _error = problem;
                return;
            }

            await using var db = await Db.CreateDbContextAsync();
            await Desk.CloseAsync(db, request, access, CancellationToken.None);
            await db.SaveChangesAsync();
            _draft = null;
            _closeMode = false;
            _reasonZh = "";
            _reasonEn = "";
            if (_module is not null && _map is not null)
            {
                await _module.InvokeVoidAsync("setCloseMode", _map, false);
                await _module.InvokeVoidAsync("setPreview", _map, null);
            }
        }
        catch (ProblemException ex)
        {
            _error = ex.Detail ?? ex.Title;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
    }

    private async Task ReopenAsync(Guid id)
    {
        if (_busy)
        {
            return;
        }

        _error = null;
        try
        {
            var access = await Caller.RefreshAsync();
            await using var db = await Db.CreateDbContextAsync();
            await Desk.ReopenAsync(db, id, access, CancellationToken.None);
            await db.SaveChangesAsync();
        }
        catch (ProblemException ex)
        {
            _error = ex.Detail ?? ex.Title;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }

        await ReloadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _subscription?.Dispose();
        try
        {
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("dispose", _map);
                await _module.DisposeAsync();
            }

            if (_map is not null)
            {
                await _map.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone; nothing to clean up on its side.
        }

        _self?.Dispose();
        _reloading.Dispose();
    }
}
