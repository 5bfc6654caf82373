using CrisisOps.Routing.Roads;

namespace CrisisOps.Server.Features.Dispatch;

public enum RoadNetworkState
{
    /// <summary>No <c>Routing:OsmFile</c>: travel times are straight lines.</summary>
    NotConfigured = 1,
    Loading,
    Ready,

    /// <summary>The extract could not be read: straight lines, and the error says why.</summary>
    Failed,
}

/// <summary>What the road network is doing, for the readiness endpoint and for every plan and estimate.</summary>
public sealed record RoadNetworkStatus(RoadNetworkState State, string? File, int? Nodes, int? Edges, int? Ways, string? Error, double? LoadSeconds);

/// <summary>
/// The road network of the OpenStreetMap extract named by <c>Routing:OsmFile</c>, loaded once in the background at
/// start (a city extract takes seconds; the server answers meanwhile, on straight lines) and shared by every
/// request. A missing file stops the start naming the file; a file that is not an extract leaves the state
/// <see cref="RoadNetworkState.Failed"/> with the file and the reason, logged as critical.
/// </summary>
public sealed class RoadNetworkHost(IConfiguration configuration, IHostEnvironment environment, ILogger<RoadNetworkHost> log) : IHostedService
{
    private readonly TaskCompletionSource<RoadNetwork?> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RoadNetworkStatus _status = new(RoadNetworkState.NotConfigured, null, null, null, null, null, null);
    private RoadNetwork? _network;

    public RoadNetworkStatus Status => _status;

    /// <summary>The network when ready; null while loading, when not configured or when it failed.</summary>
    public RoadNetwork? Network => _status.State == RoadNetworkState.Ready ? _network : null;

    /// <summary>Completes when loading ends either way (tests and the demo wait on it).</summary>
    public Task<RoadNetwork?> WhenLoaded => _loaded.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = configuration["Routing:OsmFile"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            _loaded.TrySetResult(null);
            return Task.CompletedTask;
        }

        var file = Path.IsPathRooted(configured) ? configured
            : new[] { Path.Combine(environment.ContentRootPath, configured), Path.Combine(AppContext.BaseDirectory, configured) }
                .FirstOrDefault(File.Exists) ?? Path.Combine(environment.ContentRootPath, configured);
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"Routing:OsmFile names '{file}', which does not exist. Give the path of an OpenStreetMap extract "
                + "(.osm, .osm.gz or .osm.pbf), or remove the setting to estimate travel on straight lines.");
        }

        _status = new RoadNetworkStatus(RoadNetworkState.Loading, file, null, null, null, null, null);
        _ = Task.Run(() => Load(file), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Load(string file)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var network = RoadNetwork.Load(file);
            _network = network;
            _status = new RoadNetworkStatus(RoadNetworkState.Ready, file, network.NodeCount, network.EdgeCount, network.Ways.Count, null,
                Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, 2));
            log.LogInformation("Road network {File}: {Nodes} nodes, {Edges} edges", file, network.NodeCount, network.EdgeCount);
            _loaded.TrySetResult(network);
        }
#pragma warning disable CA1031 // Any failure to read the extract leaves the server on straight lines, with the reason shown.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _status = new RoadNetworkStatus(RoadNetworkState.Failed, file, null, null, null, $"Road extract '{file}' could not be loaded: {e.Message}", null);
            log.LogCritical(e, "Road extract {File} could not be loaded; travel times fall back to straight lines", file);
            _loaded.TrySetResult(null);
        }
    }
}
