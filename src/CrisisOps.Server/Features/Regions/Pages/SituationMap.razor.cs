using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Components.Shared;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;

namespace CrisisOps.Server.Features.Regions.Pages;

/// <summary>
/// The user's jurisdiction on a map: regions, vulnerable sites and open incidents, live from the
/// journal; click a region for details, or report an incident where you click.
/// </summary>
public sealed partial class SituationMap
{
    private readonly List<Incident> _incidents = [];
    private HashSet<Guid> _overdue = [];
    private ElementReference _mapElement;
    private IJSObjectReference? _module;
    private IJSObjectReference? _map;
    private DotNetObjectReference<SituationMap>? _self;
    private IDisposable? _subscription;
    private bool _mapReady;
    private bool _disposed;
    private bool _mapUnavailable;
    private int _regionCount;
    private bool _reportMode;
    private GeoPoint? _reportAt;
    private string _title = "";
    private string? _description;
    private IncidentType _type = IncidentType.Waterlogging;
    private IncidentSeverity _severity = IncidentSeverity.IV;
    private string? _error;
    private Region? _selected;
    private string? _openHazard;
    private int _revision;
    private int _horizon;
    private List<TierChange> _tierChanges = [];
    private List<Site> _selectedSites = [];

    [Inject] private IDbContextFactory<CrisisOpsDbContext> Db { get; set; } = null!;

    [Inject] private CallerAccessor Caller { get; set; } = null!;

    [Inject] private JournalNotifier Notifier { get; set; } = null!;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = null!;

    [Inject] private IJSRuntime JS { get; set; } = null!;

    [Inject] private NavigationManager Navigation { get; set; } = null!;

    [Inject] private TimeProvider Clock { get; set; } = null!;

    [Inject] private IConfiguration Configuration { get; set; } = null!;

    [Inject] private RegionDirectory Directory { get; set; } = null!;

    /// <summary>The forecast slider's stops, in hours ahead (0 = the tiers in force now).</summary>
    private static readonly int[] Horizons = [0, 6, 24, 72];

    /// <summary>A tier change from the journal, for the list that opens its explanation.</summary>
    private sealed record TierChange(long Id, DateTimeOffset Time, string RegionCode, string RegionName, string Hazard, WarningTier From, WarningTier To);

    protected override async Task OnInitializedAsync()
    {
        var first = await Caller.RefreshAsync();
        await LoadIncidentsAsync(first);
        await LoadTierChangesAsync(first);
        if (RendererInfo.IsInteractive)
        {
            // The eShop pattern: a subscription we dispose, and callbacks marshalled with InvokeAsync.
            _subscription = Notifier.Subscribe(() => _ = InvokeAsync(() => WhileOnPageAsync(async () =>
            {
                var access = await Caller.RefreshAsync();
                await LoadIncidentsAsync(access);
                await LoadTierChangesAsync(access);
                _revision++;
                await PushIncidentsAsync();
                await PushStationsAsync(access);
                await PushTiersAsync(access);
                StateHasChanged();
            })));
        }
    }

    protected override Task OnAfterRenderAsync(bool firstRender) =>
        firstRender && RendererInfo.IsInteractive ? WhileOnPageAsync(InitialiseMapAsync) : Task.CompletedTask;

    /// <summary>
    /// Runs map work that can outlive the page: people navigate away while the map is still being filled, the
    /// component is disposed between two awaits, and a call into the disposed module must end quietly rather
    /// than end the whole console circuit.
    /// </summary>
    private async Task WhileOnPageAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (_disposed && ex is ObjectDisposedException or JSDisconnectedException or JSException or TaskCanceledException)
        {
            // The page is gone; so is the map it was filling.
        }
    }

    private async Task InitialiseMapAsync()
    {
        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/situation-map.js");
        _map = await _module.InvokeAsync<IJSObjectReference?>("create", _mapElement, new
        {
            tileUrl = Configuration["Map:TileUrl"],
            tileAttribution = Configuration["Map:TileAttribution"],
            attribution = "Demo regions: fictitious · sites © OpenStreetMap contributors",
        }, _self);
        if (_map is null)
        {
            _mapUnavailable = true;
            StateHasChanged();
            return;
        }

        var access = await Caller.RefreshAsync();
        var (regions, sites) = await LoadGeographyAsync(access);
        _regionCount = regions.Count;
        await _module.InvokeVoidAsync("setRegions", _map, new { type = "FeatureCollection", features = regions }, true);
        await _module.InvokeVoidAsync("setSites", _map, sites);
        await PushTiersAsync(access);
        await PushStationsAsync(access);
        await PushIncidentsAsync();
        _mapReady = true;
        StateHasChanged();
    }

    private async Task LoadIncidentsAsync(CallerAccess access)
    {
        await using var db = await Db.CreateDbContextAsync();
        var (incidents, overdue) = await IncidentQueries.OpenAsync(db, access, Clock.GetUtcNow(), 200, CancellationToken.None);
        _incidents.Clear();
        _incidents.AddRange(incidents);
        _overdue = overdue;
    }

    private async Task<(List<object> Regions, List<object> Sites)> LoadGeographyAsync(CallerAccess access)
    {
        var scopes = access.ScopesFor(Permission.ReadRegions);
        await using var db = await Db.CreateDbContextAsync();
        var regions = await db.Regions.AsNoTracking().WhereUnder(r => r.Path, scopes)
            .Where(r => r.BoundaryGeoJson != null).OrderBy(r => r.Depth).ToListAsync();
        var sites = await db.Sites.AsNoTracking().WhereUnder(s => s.RegionPath, scopes).ToListAsync();
        return (
            [.. regions.Select(r => (object)new
            {
                type = "Feature",
                geometry = JsonDocument.Parse(r.BoundaryGeoJson!).RootElement,
                properties = new
                {
                    code = r.Code,
                    level = Words.Of(r.Level),
                    name = $"{r.NameZh} {r.NameEn}",
                    lowLying = r.Attributes.Contains("low-lying"),
                },
            })],
            [.. sites.Select(s => (object)new
            {
                lat = s.Location.Latitude,
                lon = s.Location.Longitude,
                type = Words.Of(s.Type),
                name = $"{s.NameZh} {s.NameEn}",
                typeName = SiteName(s.Type),
            })]);
    }

    private string SiteName(SiteType type) => T[type switch
    {
        SiteType.NursingHome => "SiteNursingHome",
        SiteType.School => "SiteSchool",
        SiteType.Hospital => "SiteHospital",
        _ => "SiteShelter",
    }];

    private async Task PushIncidentsAsync()
    {
        if (_module is null || _map is null)
        {
            return;
        }

        await _module.InvokeVoidAsync("setIncidents", _map, _incidents.Where(i => i.Location is not null).Select(i => new
        {
            id = i.Number,
            number = i.Number,
            title = i.Title,
            status = Words.Of(i.Status),
            lat = i.Location!.Value.Latitude,
            lon = i.Location!.Value.Longitude,
            overdue = _overdue.Contains(i.Id),
        }));
    }

    /// <summary>
    /// Each region's worst tier over all hazards — in force now, or as predicted at the horizon the
    /// forecast slider shows; the map recolours in place.
    /// </summary>
    private async Task PushTiersAsync(CallerAccess access)
    {
        if (_module is null || _map is null)
        {
            return;
        }

        var scopes = access.ScopesFor(Permission.ReadRegions);
        Dictionary<string, WarningTier> tiers;
        if (_horizon == 0)
        {
            await using var db = await Db.CreateDbContextAsync();
            tiers = await WarningQueries.WorstTiersAsync(db, scopes, CancellationToken.None);
        }
        else
        {
            await using var scope = Scopes.CreateAsyncScope();
            var forecast = await scope.ServiceProvider.GetRequiredService<ForecastService>()
                .RegionsAsync(scopes, [TimeSpan.FromHours(_horizon)], CancellationToken.None);
            tiers = forecast.Items.GroupBy(i => i.Region.Code, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Max(i => i.Horizons[0].Tier), StringComparer.Ordinal);
        }

        await _module.InvokeVoidAsync("setRegionTiers", _map, tiers.ToDictionary(t => t.Key, t => Words.Of(t.Value), StringComparer.Ordinal));
    }

    private async Task ShowHorizonAsync(int hours)
    {
        _horizon = hours;
        await PushTiersAsync(await Caller.RefreshAsync());
    }

    /// <summary>The latest tier changes the user may see in the journal, newest first.</summary>
    private async Task LoadTierChangesAsync(CallerAccess access)
    {
        await using var db = await Db.CreateDbContextAsync();
        var entries = await db.Journal.AsNoTracking().Where(j => j.Type == JournalTypes.RiskTierChanged)
            .WhereUnder(j => j.RegionPath!, access.ScopesFor(Permission.ReadJournal))
            .OrderByDescending(j => j.Id).Take(8).ToListAsync();
        var regions = await Directory.GetAsync(CancellationToken.None);
        var chinese = RiskWords.Chinese;
        _tierChanges = [.. entries.Select(e =>
        {
            using var payload = JsonDocument.Parse(e.Payload);
            var root = payload.RootElement;
            ApiWords.TryParse(root.GetProperty("from").GetString(), out WarningTier from);
            ApiWords.TryParse(root.GetProperty("to").GetString(), out WarningTier to);
            var region = regions.Find(e.RegionCode);
            var name = region is null ? e.RegionCode ?? "" : chinese ? region.NameZh : region.NameEn;
            return new TierChange(e.Id, e.Time, e.RegionCode ?? "", name, root.GetProperty("hazard").GetString() ?? "", from, to);
        })];
    }

    /// <summary>A tier change opens its explanation: the region's panel with that hazard unfolded.</summary>
    private async Task OpenTierChangeAsync(TierChange change)
    {
        await OnRegionClicked(change.RegionCode);
        _openHazard = change.Hazard;
    }

    private string TierName(WarningTier tier) => T.Tier(tier);

    private string HazardName(string hazard) => T.Hazard(hazard);

    /// <summary>Stations with their latest value, coloured by the tier that value reaches.</summary>
    private async Task PushStationsAsync(CallerAccess access)
    {
        if (_module is null || _map is null)
        {
            return;
        }

        await using var db = await Db.CreateDbContextAsync();
        var stations = await db.Stations.AsNoTracking().WhereUnder(s => s.RegionPath, access.ScopesFor(Permission.ReadRegions)).ToListAsync();
        var latest = await WarningQueries.LatestReadingsAsync(db, [.. stations.Select(s => s.Code)], CancellationToken.None);
        await _module.InvokeVoidAsync("setStations", _map, stations.Select(s =>
        {
            var reading = latest.GetValueOrDefault(s.Code);
            return new
            {
                lat = s.Location.Latitude,
                lon = s.Location.Longitude,
                name = $"{s.NameZh} {s.NameEn}",
                latest = reading is null ? "—" : string.Create(System.Globalization.CultureInfo.CurrentCulture,
                    $"{reading.Value} {s.Unit} · {reading.Time.ToLocalTime():g}"),
                tier = Words.Of(reading is null ? Domain.Warning.WarningTier.None : s.Thresholds.TierOf(reading.Value)),
            };
        }));
    }

    private async Task ToggleReportModeAsync()
    {
        _reportMode = !_reportMode;
        if (_module is not null && _map is not null)
        {
            await _module.InvokeVoidAsync("setReportMode", _map, _reportMode);
        }
    }

    private async Task CancelReportAsync()
    {
        _reportAt = null;
        _reportMode = false;
        _error = null;
        if (_module is not null && _map is not null)
        {
            await _module.InvokeVoidAsync("setReportMode", _map, false);
        }
    }

    [JSInvokable]
    public async Task OnMapClicked(double lat, double lon)
    {
        if (!GeoPoint.IsValid(lat, lon))
        {
            return;
        }

        _reportAt = new GeoPoint(lat, lon);
        _reportMode = false;
        if (_module is not null && _map is not null)
        {
            await _module.InvokeVoidAsync("setReportMode", _map, false);
        }

        StateHasChanged();
    }

    [JSInvokable]
    public async Task OnRegionClicked(string code)
    {
        var access = await Caller.RefreshAsync();
        await using var db = await Db.CreateDbContextAsync();
        var region = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == code);
        if (region is null || !access.Can(Permission.ReadRegions, region.Path))
        {
            return;
        }

        if (_selected?.Code != region.Code)
        {
            _openHazard = null;
        }

        _selected = region;
        _selectedSites = await db.Sites.AsNoTracking().Where(s => s.RegionPath.StartsWith(region.Path)).OrderBy(s => s.Code).ToListAsync();
        StateHasChanged();
    }

    [JSInvokable]
    public void OnIncidentClicked(string number) => Navigation.NavigateTo($"console/incidents/{Uri.EscapeDataString(number)}");

    private async Task SubmitReportAsync()
    {
        if (_reportAt is not { } at)
        {
            return;
        }

        _error = null;
        if (string.IsNullOrWhiteSpace(_title))
        {
            _error = T["Title"] + " ?";
            return;
        }

        var access = await Caller.RefreshAsync();
        var category = _type.DefaultCategory();
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<IncidentService>();
            await service.ReportAsync(new NewIncident(_title, _description, category, _type, _severity, at, null, false, IncidentSource.Staff),
                null, access.Name, path => access.Can(Permission.ReportIncident, path), CancellationToken.None);
            _reportAt = null;
            _title = "";
            _description = null;
        }
        catch (ProblemException ex)
        {
            _error = ex.Detail ?? ex.Title;
        }
        catch (Domain.DomainException ex)
        {
            _error = ex.Message;
        }
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
    }
}
