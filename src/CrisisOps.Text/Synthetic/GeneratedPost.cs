using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Synthetic;

/// <summary>What a generated post is about — the generator's intent, for tests to score topics against.</summary>
public enum CrisisConcern
{
    /// <summary>Is distribution fair (分配不公, 物资发放).</summary>
    DistributionFairness,

    /// <summary>Are vulnerable people covered (独居老人, 孤寡老人, 残疾人).</summary>
    VulnerablePeople,

    /// <summary>Trapped in the subway (地铁被困).</summary>
    TrappedInSubway,

    /// <summary>Supplies short (物资短缺, 缺水).</summary>
    SuppliesShort,

    /// <summary>Talk about the rain itself.</summary>
    Weather,

    /// <summary>Thanks to rescuers.</summary>
    Thanks,

    /// <summary>Rumours.</summary>
    Rumour,

    /// <summary>Everyday posts unrelated to the crisis.</summary>
    Noise,

    /// <summary>A text the caller gave (e.g. hotel reviews as foreign noise).</summary>
    Extra,
}

/// <summary>
/// A post of the synthetic stream. <see cref="Concern"/> and <see cref="Tone"/> are what the generator meant the post to
/// be; <see cref="RepostOf"/> names the post it copies with small edits.
/// </summary>
public sealed record GeneratedPost(
    string Id,
    DateTimeOffset At,
    string Text,
    string Language,
    string Region,
    CrisisConcern Concern,
    SentimentLabel Tone,
    string? RepostOf);

/// <summary>A text the caller wants mixed into the stream, with the tone it knows it has.</summary>
public sealed record ExtraText(string Text, SentimentLabel Tone);
