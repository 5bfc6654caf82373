namespace CrisisOps.Text.Topics;

/// <summary>What kind of spike a topic shows.</summary>
public enum SpikeKind
{
    /// <summary>Many posts, and many more than in the window before.</summary>
    Volume,

    /// <summary>A large share of negative posts among enough posts.</summary>
    Negativity,
}

/// <summary>
/// When a topic spikes. Volume: at least <see cref="MinimumVolume"/> posts in the window and growth of at least
/// <see cref="MinimumGrowth"/> against the window before (2 = tripled). Negativity: a negative share of at least
/// <see cref="NegativeShare"/> among at least <see cref="MinimumVolumeForNegativity"/> posts, risen by at least
/// <see cref="MinimumNegativeRise"/> against the window before. A spike lasts until the volume falls below the minimum
/// less <see cref="VolumeHysteresis"/> of it (volume) or the share falls below the threshold less
/// <see cref="NegativeShareHysteresis"/> (negativity; its volume floor eased the same way), so a volume or share wavering
/// around its threshold is flagged once. A topic with no posts in the window before counts as risen from 0.
/// </summary>
public sealed record SpikeThresholds
{
    public int MinimumVolume { get; init; } = 50;

    public double MinimumGrowth { get; init; } = 2.0;

    public double NegativeShare { get; init; } = 0.6;

    public int MinimumVolumeForNegativity { get; init; } = 20;

    public double MinimumNegativeRise { get; init; }

    public double NegativeShareHysteresis { get; init; } = 0.1;

    /// <summary>
    /// How far below a volume floor a running spike may fall before it ends (0.2: to 40 of a 50-post minimum): a topic
    /// hovering at the floor would otherwise end and start again with every post (bench/README.md, "Opinion pipeline").
    /// </summary>
    public double VolumeHysteresis { get; init; } = 0.2;

    /// <summary>Throws <see cref="ArgumentException"/> for thresholds that cannot work.</summary>
    public void Validate()
    {
        if (MinimumVolume < 1 || MinimumVolumeForNegativity < 1 || MinimumGrowth < 0)
        {
            throw new ArgumentException("Volumes must be at least 1 and growth not negative.");
        }

        if (NegativeShare is <= 0 or > 1 || MinimumNegativeRise is < 0 or > 1 || NegativeShareHysteresis is < 0 or > 1 || VolumeHysteresis is < 0 or >= 1)
        {
            throw new ArgumentException("Shares lie in [0, 1] and the negative-share threshold above 0.");
        }
    }
}

/// <summary>A topic started to spike at <see cref="At"/>; the figures are those of the snapshot that showed it.</summary>
public sealed record SpikeFlag(
    TopicId Topic,
    SpikeKind Kind,
    DateTimeOffset At,
    TimeSpan Window,
    IReadOnlyList<string> Label,
    int Volume,
    int PreviousVolume,
    double Growth,
    double NegativeShare,
    double PreviousNegativeShare);

/// <summary>
/// Flags spikes in snapshots of the live feed, once per spike: a topic flagged stays quiet until its spike has ended.
/// Give it the snapshots of one window, in time order (a detector per window).
/// </summary>
public sealed class SpikeDetector
{
    private readonly SpikeThresholds _thresholds;
    private readonly HashSet<(long Topic, SpikeKind Kind)> _spiking = [];

    public SpikeDetector(SpikeThresholds? thresholds = null)
    {
        _thresholds = thresholds ?? new SpikeThresholds();
        _thresholds.Validate();
    }

    /// <summary>The flags for spikes that begin in this snapshot; topics absent from it end their spikes.</summary>
    public IReadOnlyList<SpikeFlag> Observe(TopicSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var flags = new List<SpikeFlag>();
        var present = new HashSet<long>();
        foreach (var topic in snapshot.Topics)
        {
            present.Add(topic.Id.Value);
            Check(topic, SpikeKind.Volume, VolumeStarts(topic), VolumeLasts(topic), snapshot, flags);
            Check(topic, SpikeKind.Negativity, NegativityStarts(topic), NegativityLasts(topic), snapshot, flags);
        }

        _spiking.RemoveWhere(s => !present.Contains(s.Topic));
        return flags;
    }

    private bool VolumeStarts(TopicSummary t) => t.Volume >= _thresholds.MinimumVolume && t.Growth >= _thresholds.MinimumGrowth;

    private bool VolumeLasts(TopicSummary t) => t.Volume >= _thresholds.MinimumVolume * (1 - _thresholds.VolumeHysteresis);

    private bool NegativityStarts(TopicSummary t) =>
        t.Volume >= _thresholds.MinimumVolumeForNegativity && t.NegativeShare >= _thresholds.NegativeShare
        && t.NegativeShare - t.PreviousNegativeShare >= _thresholds.MinimumNegativeRise;

    private bool NegativityLasts(TopicSummary t) =>
        t.Volume >= _thresholds.MinimumVolumeForNegativity * (1 - _thresholds.VolumeHysteresis)
        && t.NegativeShare >= _thresholds.NegativeShare - _thresholds.NegativeShareHysteresis;

    private void Check(TopicSummary topic, SpikeKind kind, bool starts, bool lasts, TopicSnapshot snapshot, List<SpikeFlag> flags)
    {
        var key = (topic.Id.Value, kind);
        if (_spiking.Contains(key))
        {
            if (!lasts)
            {
                _spiking.Remove(key);
            }

            return;
        }

        if (starts)
        {
            _spiking.Add(key);
            flags.Add(new SpikeFlag(topic.Id, kind, snapshot.At, snapshot.Window, topic.Label, topic.Volume, topic.PreviousVolume,
                topic.Growth, topic.NegativeShare, topic.PreviousNegativeShare));
        }
    }
}
