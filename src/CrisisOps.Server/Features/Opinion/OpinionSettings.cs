using CrisisOps.Text.Model;
using CrisisOps.Text.Posts;
using CrisisOps.Text.Topics;

namespace CrisisOps.Server.Features.Opinion;

/// <summary>
/// The opinion settings (docs/opinion.md, "Configuration"), read and checked once at start — a bad value stops the server
/// with what is wrong:
/// <list type="bullet">
/// <item><c>Opinion:AnswerWithin</c> (2 h): how soon a hot topic must be linked to a public answer before it escalates.</item>
/// <item><c>Opinion:WorkerInterval</c> (2 s): how often the worker groups, assigns and reviews new posts.</item>
/// <item><c>Opinion:Spikes:MinimumVolume</c> (50), <c>:MinimumGrowth</c> (2 = tripled), <c>:NegativeShare</c> (0.6),
/// <c>:MinimumVolumeForNegativity</c> (20): when a topic spikes (<see cref="SpikeThresholds"/>).</item>
/// <item><c>Opinion:JoinThreshold</c> (0.2), <c>:MergeThreshold</c> (0.3): how alike a post and a topic must be
/// (<see cref="TopicTrackerOptions"/>).</item>
/// <item><c>Opinion:SentimentModel</c> (none): a model file made by <c>crisisops opinion train</c>, used for Chinese posts
/// instead of the lexicon model (English posts keep the lexicon model: the trained models are Chinese-only).</item>
/// </list>
/// </summary>
public sealed class OpinionSettings
{
    public OpinionSettings(IConfiguration configuration)
    {
        AnswerWithin = configuration.GetValue("Opinion:AnswerWithin", TimeSpan.FromHours(2));
        if (AnswerWithin < TimeSpan.FromMinutes(1) || AnswerWithin > TimeSpan.FromDays(7))
        {
            throw new InvalidOperationException("Opinion:AnswerWithin must lie between 00:01:00 and 7.00:00:00.");
        }

        WorkerInterval = configuration.GetValue("Opinion:WorkerInterval", TimeSpan.FromSeconds(2));
        if (WorkerInterval < TimeSpan.FromMilliseconds(100) || WorkerInterval > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException("Opinion:WorkerInterval must lie between 00:00:00.1 and 00:10:00.");
        }

        if (configuration["Opinion:SentimentModel"] is { Length: > 0 } modelPath)
        {
            try
            {
                Analyser = new PostAnalyser(chinese: ModelFile.Load(modelPath));
            }
            catch (Exception e) when (e is ModelFileException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Opinion:SentimentModel '{modelPath}': {e.Message}", e);
            }
        }
        else
        {
            Analyser = PostAnalyser.Default;
        }

        var defaults = new SpikeThresholds();
        Spikes = new SpikeThresholds
        {
            MinimumVolume = configuration.GetValue("Opinion:Spikes:MinimumVolume", defaults.MinimumVolume),
            MinimumGrowth = configuration.GetValue("Opinion:Spikes:MinimumGrowth", defaults.MinimumGrowth),
            NegativeShare = configuration.GetValue("Opinion:Spikes:NegativeShare", defaults.NegativeShare),
            MinimumVolumeForNegativity = configuration.GetValue("Opinion:Spikes:MinimumVolumeForNegativity", defaults.MinimumVolumeForNegativity),
        };
        var tracker = new TopicTrackerOptions();
        Topics = tracker with
        {
            JoinThreshold = configuration.GetValue("Opinion:JoinThreshold", tracker.JoinThreshold),
            MergeThreshold = configuration.GetValue("Opinion:MergeThreshold", tracker.MergeThreshold),
        };
        try
        {
            Spikes.Validate();
            Topics.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Opinion settings: {e.Message}", e);
        }
    }

    public TimeSpan AnswerWithin { get; }

    /// <summary>How ingest reads posts: the lexicon model, or the trained one for Chinese when configured.</summary>
    public PostAnalyser Analyser { get; }

    public TimeSpan WorkerInterval { get; }

    public SpikeThresholds Spikes { get; }

    public TopicTrackerOptions Topics { get; }

    /// <summary>A fresh stream with these settings (the worker makes one per turn it takes).</summary>
    public OpinionStream NewStream() => new(Topics, Spikes);
}
