using System.Globalization;
using System.Text;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Synthetic;

/// <summary>
/// The shape of a synthetic city rainstorm on social media: how many posts an hour, which concern bursts when, and what
/// else is mixed in. Shares of the hourly volume per concern are fixed in <see cref="CrisisPostGenerator"/>.
/// </summary>
public sealed record CrisisStreamOptions
{
    public int Seed { get; init; } = 9;

    /// <summary>Time of the first hour's start.</summary>
    public required DateTimeOffset Start { get; init; }

    public int Hours { get; init; } = 8;

    /// <summary>Region codes posts are spread over; the first two take most of the subway posts (where the lines flood).</summary>
    public required IReadOnlyList<string> Regions { get; init; }

    /// <summary>Generated posts in an ordinary hour, before the burst and the caller's extra texts.</summary>
    public int PostsPerHour { get; init; } = 600;

    public CrisisConcern BurstConcern { get; init; } = CrisisConcern.TrappedInSubway;

    /// <summary>The hour (0-based) in which <see cref="BurstConcern"/> bursts; the hour after stays at half the burst.</summary>
    public int BurstHour { get; init; } = 3;

    /// <summary>How many times its ordinary volume the bursting concern has in the burst hour.</summary>
    public double BurstFactor { get; init; } = 8;

    /// <summary>From this hour on, posts about distribution fairness turn mostly negative (a rising negative share).</summary>
    public int NegativityRiseHour { get; init; } = 4;

    public double EnglishShare { get; init; } = 0.08;

    /// <summary>Share of concern posts that are reposts of an earlier post with small edits.</summary>
    public double RepostShare { get; init; } = 0.2;

    /// <summary>Texts to interleave (e.g. reviews as foreign noise), taken in turn from a seeded starting point.</summary>
    public IReadOnlyList<ExtraText> ExtraTexts { get; init; } = [];

    public int ExtraPerHour { get; init; }
}

/// <summary>
/// A seeded, realistic mixed stream of posts over the hours of a city rainstorm, in Chinese and some English: the four
/// concerns a crisis brings (distribution fairness, vulnerable people, trapped in the subway, supplies short), weather
/// talk, thanks to rescuers, rumours, everyday noise, reposts with small edits, and texts the caller gives. Every post
/// carries the concern and tone the generator meant, so tests can score what the topic tracker found. The same options
/// give the same stream.
/// </summary>
public static class CrisisPostGenerator
{
    // Share of an ordinary hour's posts per kind; they add up to 1.
    private static readonly (CrisisConcern Concern, double Share)[] Mix =
    [
        (CrisisConcern.DistributionFairness, 0.12),
        (CrisisConcern.VulnerablePeople, 0.10),
        (CrisisConcern.TrappedInSubway, 0.04),
        (CrisisConcern.SuppliesShort, 0.12),
        (CrisisConcern.Weather, 0.24),
        (CrisisConcern.Thanks, 0.10),
        (CrisisConcern.Rumour, 0.06),
        (CrisisConcern.Noise, 0.22),
    ];

    /// <summary>The stream, oldest first, ids syn-000001… in that order.</summary>
    /// <exception cref="ArgumentException">No regions, no hours, a negative volume, a burst below 1 or a share outside [0, 1].</exception>
    public static IReadOnlyList<GeneratedPost> Generate(CrisisStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Regions.Count == 0 || options.Hours < 1 || options.PostsPerHour < 0 || options.ExtraPerHour < 0)
        {
            throw new ArgumentException("A stream needs regions, at least an hour and non-negative volumes.", nameof(options));
        }

        if (options.BurstFactor < 1 || options.EnglishShare is < 0 or > 1 || options.RepostShare is < 0 or > 1)
        {
            throw new ArgumentException("The burst cannot shrink a concern, and shares lie in [0, 1].", nameof(options));
        }

        var random = new Random(options.Seed);
        var slots = new List<(DateTimeOffset At, CrisisConcern Concern, int Order)>();
        for (var hour = 0; hour < options.Hours; hour++)
        {
            var hourStart = options.Start.AddHours(hour);
            foreach (var (concern, share) in Mix)
            {
                var expected = options.PostsPerHour * share * Intensity(options, concern, hour);
                // ±10 % from hour to hour, so volumes do not look machine-made.
                var count = (int)Math.Round(expected * (0.9 + 0.2 * random.NextDouble()));
                for (var i = 0; i < count; i++)
                {
                    slots.Add((hourStart.AddMilliseconds(random.Next(3_600_000)), concern, slots.Count));
                }
            }

            for (var i = 0; i < options.ExtraPerHour && options.ExtraTexts.Count > 0; i++)
            {
                slots.Add((hourStart.AddMilliseconds(random.Next(3_600_000)), CrisisConcern.Extra, slots.Count));
            }
        }

        slots.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Order.CompareTo(b.Order));

        var posts = new List<GeneratedPost>(slots.Count);
        var extraNext = options.ExtraTexts.Count > 0 ? random.Next(options.ExtraTexts.Count) : 0;
        foreach (var (at, concern, _) in slots)
        {
            var id = "syn-" + (posts.Count + 1).ToString("D6", CultureInfo.InvariantCulture);
            var hour = (int)((at - options.Start).Ticks / TimeSpan.TicksPerHour);
            var region = PickRegion(options, concern, random);
            if (concern == CrisisConcern.Extra)
            {
                var extra = options.ExtraTexts[extraNext];
                extraNext = (extraNext + 1) % options.ExtraTexts.Count;
                posts.Add(new GeneratedPost(id, at, extra.Text, "zh", region, concern, extra.Tone, null));
                continue;
            }

            if (concern is not CrisisConcern.Noise && random.NextDouble() < options.RepostShare
                && TryRepost(posts, concern, at, random) is { } source)
            {
                posts.Add(new GeneratedPost(id, at, EditForRepost(source.Text, source.Language, random), source.Language, region, concern,
                    source.Tone, source.Id));
                continue;
            }

            var tone = PickTone(options, concern, hour, random);
            var english = random.NextDouble() < options.EnglishShare;
            var templates = CrisisPhrases.Templates(concern, tone, english);
            if (templates.Count == 0)
            {
                // Some tones have no English sentences (English thanks are all positive, for one): say it in Chinese.
                english = false;
                templates = CrisisPhrases.Templates(concern, tone, english);
            }

            var text = Fill(templates[random.Next(templates.Count)], random);
            if (!english && concern is not CrisisConcern.Noise && random.NextDouble() < 0.3)
            {
                text += " " + Pick(CrisisPhrases.Hashtags, random);
            }

            posts.Add(new GeneratedPost(id, at, text.TrimEnd(), english ? "en" : "zh", region, concern, tone, null));
        }

        return posts;
    }

    private static double Intensity(CrisisStreamOptions options, CrisisConcern concern, int hour)
    {
        if (concern != options.BurstConcern)
        {
            return 1;
        }

        if (hour == options.BurstHour)
        {
            return options.BurstFactor;
        }

        return hour == options.BurstHour + 1 ? Math.Max(1, options.BurstFactor / 2) : 1;
    }

    private static SentimentLabel PickTone(CrisisStreamOptions options, CrisisConcern concern, int hour, Random random)
    {
        var negative = concern switch
        {
            CrisisConcern.DistributionFairness => hour >= options.NegativityRiseHour ? 0.85 : 0.2,
            CrisisConcern.VulnerablePeople => 0.7,
            CrisisConcern.TrappedInSubway => 0.8,
            CrisisConcern.SuppliesShort => 0.7,
            CrisisConcern.Weather => 0.4,
            CrisisConcern.Rumour => 0.75,
            _ => 0,
        };
        if (concern == CrisisConcern.Thanks)
        {
            return SentimentLabel.Positive;
        }

        if (random.NextDouble() < negative)
        {
            return SentimentLabel.Negative;
        }

        return concern == CrisisConcern.Noise && random.NextDouble() < 0.4 ? SentimentLabel.Positive : SentimentLabel.Neutral;
    }

    private static string PickRegion(CrisisStreamOptions options, CrisisConcern concern, Random random)
    {
        var regions = options.Regions;
        if (concern == CrisisConcern.TrappedInSubway && regions.Count > 1 && random.NextDouble() < 0.7)
        {
            return regions[random.Next(2)];
        }

        return regions[random.Next(regions.Count)];
    }

    // An earlier original post of the same concern from the last two hours, if there is one.
    private static GeneratedPost? TryRepost(List<GeneratedPost> posts, CrisisConcern concern, DateTimeOffset at, Random random)
    {
        var candidates = new List<GeneratedPost>();
        for (var i = posts.Count - 1; i >= 0 && posts[i].At > at.AddHours(-2) && candidates.Count < 50; i--)
        {
            if (posts[i].Concern == concern && posts[i].RepostOf is null)
            {
                candidates.Add(posts[i]);
            }
        }

        return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
    }

    private static string EditForRepost(string text, string language, Random random)
    {
        if (language == "en")
        {
            return random.Next(3) switch
            {
                0 => "RT " + text,
                1 => text + " please share",
                _ => text + "!!",
            };
        }

        return random.Next(3) switch
        {
            0 => Pick(CrisisPhrases.RepostPrefixes, random) + text,
            1 => text + Pick(CrisisPhrases.RepostSuffixes, random),
            _ => Pick(CrisisPhrases.RepostPrefixes, random) + text.Replace("，", " ", StringComparison.Ordinal) + Pick(CrisisPhrases.RepostSuffixes, random),
        };
    }

    private static string Fill(string template, Random random)
    {
        var station = Pick(CrisisPhrases.Stations, random);
        var station2 = Pick(CrisisPhrases.Stations, random);
        while (station2 == station)
        {
            station2 = Pick(CrisisPhrases.Stations, random);
        }

        var text = new StringBuilder(template)
            .Replace("{district}", Pick(CrisisPhrases.Districts, random))
            .Replace("{place}", Pick(CrisisPhrases.Places, random))
            .Replace("{shelter}", Pick(CrisisPhrases.Shelters, random))
            .Replace("{station2}", station2)
            .Replace("{station}", station)
            .Replace("{line}", (1 + random.Next(6)).ToString(CultureInfo.InvariantCulture))
            .Replace("{item}", Pick(CrisisPhrases.Items, random))
            .Replace("{hours}", (1 + random.Next(3)).ToString(CultureInfo.InvariantCulture))
            .Replace("{placeEn}", Pick(CrisisPhrases.PlacesEn, random))
            .Replace("{stationEn}", Pick(CrisisPhrases.StationsEn, random));
        return text.ToString();
    }

    private static string Pick(string[] values, Random random) => values[random.Next(values.Length)];
}
