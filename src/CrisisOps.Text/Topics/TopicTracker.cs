using System.Runtime.InteropServices;

namespace CrisisOps.Text.Topics;

/// <summary>
/// Hot topics (热点诉求) on a live feed: single-pass clustering of posts by TF-IDF term vectors. Each post joins the topic
/// whose centre is most similar (cosine) if that reaches <see cref="TopicTrackerOptions.JoinThreshold"/>, else starts a
/// topic. Every <see cref="TopicTrackerOptions.MaintenanceEvery"/> of feed time, posts that left the largest window leave
/// their topic's centre, topics with no post left in it expire, and topics whose centres became alike merge.
/// </summary>
/// <remarks>
/// Time is the feed's: the newest post time seen (or the time given to <see cref="Expire"/>), never a clock. Results
/// depend only on the posts and their order, so a replay gives the same topics. Not thread-safe: one feed, one tracker.
/// </remarks>
public sealed class TopicTracker
{
    // Heaviest terms of a topic that find its merge candidates.
    private const int MergeCandidateTerms = 30;

    private readonly TopicTrackerOptions _options;
    private readonly TimeSpan _largest;
    private readonly DocumentFrequencies _frequencies = new();
    private readonly SortedDictionary<long, Topic> _topics = [];
    // Which topics have a term in their centre, with its weight there: a post's dot product with every topic it shares a
    // term with is summed along these lists, with no look-up per topic (a common term is in hundreds of centres).
    private readonly Dictionary<string, Dictionary<Topic, double>> _topicsByTerm = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _mergedInto = [];
    private readonly HashSet<string> _postIds = new(StringComparer.Ordinal);
    private readonly Dictionary<Topic, double> _scratch = [];
    // Topics whose centre changed since the last merge round: only they can have become alike to another.
    private readonly SortedSet<long> _changed = [];
    private long _nextId = 1;
    private long _nextMember = 1;
    private DateTimeOffset? _newest;
    private DateTimeOffset? _lastMaintenance;

    public TopicTracker(TopicTrackerOptions? options = null)
    {
        _options = options ?? new TopicTrackerOptions();
        _options.Validate();
        _largest = _options.LargestWindow;
    }

    /// <summary>Topics alive (with a post in the largest window at the last maintenance).</summary>
    public int TopicCount => _topics.Count;

    /// <summary>Posts held (for the largest window and the one before it).</summary>
    public int PostCount => _postIds.Count;

    /// <summary>Assigns a post to a topic. Never throws for what a post says; see <see cref="AssignmentOutcome"/>.</summary>
    /// <exception cref="ArgumentNullException">The post, its id or its text is null.</exception>
    public TopicAssignment Add(PostForTopics post)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(post.Id);
        ArgumentNullException.ThrowIfNull(post.Text);

        if (_newest is { } newest && post.At <= newest - _largest)
        {
            return new TopicAssignment(post.Id, post.At, AssignmentOutcome.TooLate, null, 0);
        }

        if (_postIds.Contains(post.Id))
        {
            return new TopicAssignment(post.Id, post.At, AssignmentOutcome.Duplicate, null, 0);
        }

        if (_newest is null || post.At > _newest)
        {
            _newest = post.At;
        }

        _lastMaintenance ??= post.At;
        if (_newest.Value - _lastMaintenance.Value >= _options.MaintenanceEvery)
        {
            Maintain(_newest.Value);
        }

        var words = post.Words ?? TopicWords.Of(post.Text);
        if (words.Count == 0)
        {
            return new TopicAssignment(post.Id, post.At, AssignmentOutcome.NoTerms, null, 0);
        }

        _frequencies.ExpireThrough(_newest.Value - _largest);
        var vector = Weigh(post.At, words);

        var (best, similarity) = MostSimilar(vector);
        var member = new Member(post, vector, _nextMember++);
        _postIds.Add(post.Id);
        if (best is not null && similarity >= _options.JoinThreshold)
        {
            best.Members.Add(member);
            AddToCentre(best, vector, +1);
            return new TopicAssignment(post.Id, post.At, AssignmentOutcome.Joined, new TopicId(best.Id), similarity);
        }

        var topic = new Topic(_nextId++);
        _topics.Add(topic.Id, topic);
        topic.Members.Add(member);
        AddToCentre(topic, vector, +1);
        return new TopicAssignment(post.Id, post.At, AssignmentOutcome.Started, new TopicId(topic.Id), 1);
    }

    /// <summary>The topic a topic became by merging (itself when it did not merge).</summary>
    public TopicId Resolve(TopicId id)
    {
        var current = id.Value;
        while (_mergedInto.TryGetValue(current, out var into))
        {
            current = into;
        }

        return new TopicId(current);
    }

    /// <summary>Runs expiry and merging as of <paramref name="now"/>: for a quiet feed, where no post moves time on.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (_newest is null || now > _newest)
        {
            _newest = now;
        }

        _frequencies.ExpireThrough(_newest.Value - _largest);
        Maintain(_newest.Value);
    }

    /// <summary>The topics with posts in (now − window, now], busiest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is not positive or longer than the largest configured.</exception>
    public TopicSnapshot Snapshot(TimeSpan window, DateTimeOffset now, int minimumVolume = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, _largest);

        var from = now - window;
        var before = from - window;
        var summaries = new List<TopicSummary>();
        var inWindow = new List<Member>();
        foreach (var topic in _topics.Values)
        {
            inWindow.Clear();
            int previous = 0, previousNegative = 0;
            var posts = new PostSet();
            foreach (var member in topic.Members)
            {
                if (member.Post.At > from && member.Post.At <= now)
                {
                    inWindow.Add(member);
                    posts = posts.With(member.Number);
                }
                else if (member.Post.At > before && member.Post.At <= from)
                {
                    previous++;
                    previousNegative += member.Post.Tone == SentimentLabel.Negative ? 1 : 0;
                }
            }

            if (inWindow.Count < Math.Max(1, minimumVolume))
            {
                continue;
            }

            // A review comes every few seconds and most topics gained and lost no post in the window since the last
            // one: their label, representatives and regions are as they were, only the window before has moved on.
            if (topic.Summaries.TryGetValue(window, out var kept) && kept.Posts == posts)
            {
                summaries.Add(kept.Summary with
                {
                    PreviousVolume = previous,
                    PreviousNegativeShare = previous == 0 ? 0 : previousNegative / (double)previous,
                });
                continue;
            }

            var summary = Summarise(topic, inWindow, previous, previousNegative);
            topic.Summaries[window] = new KeptSummary(posts, summary);
            summaries.Add(summary);
        }

        summaries.Sort((a, b) => a.Volume != b.Volume ? b.Volume.CompareTo(a.Volume) : a.Id.Value.CompareTo(b.Id.Value));
        return new TopicSnapshot(now, window, summaries);
    }

    /// <summary>The ids of a topic's posts in (now − window, now], oldest first; empty for an unknown or expired topic.</summary>
    public IReadOnlyList<string> PostsOf(TopicId id, TimeSpan window, DateTimeOffset now)
    {
        if (!_topics.TryGetValue(Resolve(id).Value, out var topic))
        {
            return [];
        }

        return topic.Members.Where(m => m.Post.At > now - window && m.Post.At <= now)
            .OrderBy(m => m.Post.At).ThenBy(m => m.Post.Id, StringComparer.Ordinal)
            .Select(m => m.Post.Id).ToList();
    }

    private TopicSummary Summarise(Topic topic, List<Member> inWindow, int previous, int previousNegative)
    {
        // The label and representatives come from the window's own centre: a 1 h view of a 6 h topic shows what is
        // being said now.
        var centre = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in inWindow)
        {
            foreach (var (term, weight) in member.Vector)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(centre, term, out _) += weight;
            }
        }

        var label = Heaviest(centre, _options.LabelTerms).Select(p => p.Key).ToList();
        var norm = Math.Sqrt(centre.Values.Sum(w => w * w));

        // Most central first (ties: earlier, then by id). A heap, not a sort: a big topic has hundreds of posts in the
        // window and only a few become representatives.
        var ranked = new PriorityQueue<Member, (double Similarity, Member Member)>(inWindow.Count, CentralFirst.Instance);
        ranked.EnqueueRange(inWindow.Select(m => (m, (Dot(m.Vector, centre) / norm, m))));
        var representatives = new List<(Member Member, double Similarity)>();
        while (representatives.Count < _options.RepresentativePosts && ranked.TryDequeue(out var candidate, out var rank))
        {
            if (representatives.All(r => Containment(r.Member.Vector, candidate.Vector) < _options.RepostSimilarity))
            {
                representatives.Add((candidate, rank.Similarity));
            }
        }

        var negative = inWindow.Count(m => m.Post.Tone == SentimentLabel.Negative);
        var regions = inWindow.GroupBy(m => m.Post.Region)
            .Select(g => new RegionCount(g.Key, g.Count()))
            .OrderByDescending(r => r.Posts).ThenBy(r => r.Region ?? "", StringComparer.Ordinal).ToList();
        return new TopicSummary(
            new TopicId(topic.Id),
            label,
            representatives.Select(r => new TopicPost(r.Member.Post.Id, r.Member.Post.At, r.Member.Post.Text, r.Member.Post.Region,
                r.Member.Post.Tone, r.Similarity)).ToList(),
            inWindow.Count,
            previous,
            negative / (double)inWindow.Count,
            previous == 0 ? 0 : previousNegative / (double)previous,
            regions,
            inWindow.Min(m => m.Post.At),
            inWindow.Max(m => m.Post.At));
    }

    // Counts the post's terms in the document frequencies, then weighs them: (1 + ln tf) · idf, scaled to unit length.
    private Term[] Weigh(DateTimeOffset at, IReadOnlyList<string> words)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var word in words)
        {
            if (counts.TryGetValue(word, out var n))
            {
                counts[word] = n + 1;
            }
            else
            {
                counts[word] = 1;
                order.Add(word);
            }
        }

        _frequencies.Add(at, [.. order]);
        var vector = new Term[order.Count];
        var sum = 0.0;
        for (var i = 0; i < order.Count; i++)
        {
            var weight = (1 + Math.Log(counts[order[i]])) * _frequencies.Idf(order[i]);
            vector[i] = new Term(order[i], weight);
            sum += weight * weight;
        }

        var norm = Math.Sqrt(sum);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = vector[i] with { Weight = vector[i].Weight / norm };
        }

        return vector;
    }

    private (Topic? Topic, double Similarity) MostSimilar(Term[] vector)
    {
        _scratch.Clear();
        foreach (var (term, weight) in vector)
        {
            if (!_topicsByTerm.TryGetValue(term, out var holders))
            {
                continue;
            }

            foreach (var (topic, centreWeight) in holders)
            {
                ref var dot = ref CollectionsMarshal.GetValueRefOrAddDefault(_scratch, topic, out _);
                dot += weight * centreWeight;
            }
        }

        Topic? best = null;
        var bestSimilarity = 0.0;
        foreach (var (topic, dot) in _scratch)
        {
            var similarity = dot / Math.Sqrt(topic.NormSquared);
            if (similarity > bestSimilarity || (similarity == bestSimilarity && best is not null && topic.Id < best.Id))
            {
                best = topic;
                bestSimilarity = similarity;
            }
        }

        return (best, bestSimilarity);
    }

    private void AddToCentre(Topic topic, Term[] vector, int sign)
    {
        _changed.Add(topic.Id);
        foreach (var (term, weight) in vector)
        {
            var had = topic.Centre.TryGetValue(term, out var old);
            var now = old + sign * weight;
            topic.NormSquared += now * now - old * old;
            if (now > 1e-9)
            {
                topic.Centre[term] = now;
                IndexOf(term)[topic] = now;
            }
            else if (had)
            {
                topic.Centre.Remove(term);
                Unindex(term, topic);
            }
        }
    }

    private Dictionary<Topic, double> IndexOf(string term)
    {
        if (!_topicsByTerm.TryGetValue(term, out var holders))
        {
            holders = [];
            _topicsByTerm.Add(term, holders);
        }

        return holders;
    }

    /// <summary>
    /// The <paramref name="count"/> heaviest terms, heaviest first (ties by term, ordinal): the order a full sort gives,
    /// found in one pass. A big topic's centre holds thousands of terms and maintenance asks this of every changed
    /// topic, so sorting the whole centre each time was most of the cost of adding a post.
    /// </summary>
    private static List<KeyValuePair<string, double>> Heaviest(Dictionary<string, double> terms, int count)
    {
        var top = new List<KeyValuePair<string, double>>(count + 1);
        foreach (var pair in terms)
        {
            if (top.Count == count && !Before(pair, top[^1]))
            {
                continue;
            }

            var at = top.Count;
            while (at > 0 && Before(pair, top[at - 1]))
            {
                at--;
            }

            top.Insert(at, pair);
            if (top.Count > count)
            {
                top.RemoveAt(top.Count - 1);
            }
        }

        return top;

        static bool Before(KeyValuePair<string, double> a, KeyValuePair<string, double> b) =>
            a.Value > b.Value || (a.Value == b.Value && string.CompareOrdinal(a.Key, b.Key) < 0);
    }

    private void Unindex(string term, Topic topic)
    {
        if (_topicsByTerm.TryGetValue(term, out var holders) && holders.Remove(topic) && holders.Count == 0)
        {
            _topicsByTerm.Remove(term);
        }
    }

    private void Maintain(DateTimeOffset now)
    {
        _lastMaintenance = now;
        var centreCutoff = now - _largest;
        var keepCutoff = centreCutoff - _largest;
        var expired = new List<Topic>();
        foreach (var topic in _topics.Values)
        {
            var alive = false;
            foreach (var member in topic.Members)
            {
                if (member.InCentre && member.Post.At <= centreCutoff)
                {
                    member.InCentre = false;
                    AddToCentre(topic, member.Vector, -1);
                }

                alive |= member.InCentre;
            }

            topic.Members.RemoveAll(m =>
            {
                var drop = m.Post.At <= keepCutoff;
                if (drop)
                {
                    _postIds.Remove(m.Post.Id);
                }

                return drop;
            });

            if (!alive)
            {
                expired.Add(topic);
            }
            else if (_changed.Contains(topic.Id))
            {
                // Adding and subtracting drifts the running norm; recount it while we are here (a topic whose centre
                // did not change since the last round was recounted then).
                topic.NormSquared = topic.Centre.Values.Sum(w => w * w);
            }
        }

        foreach (var topic in expired)
        {
            Remove(topic);
        }

        // A merged id is worth resolving only while the topic it went into lives.
        foreach (var gone in _mergedInto.Keys.Where(id => !_topics.ContainsKey(Resolve(new TopicId(id)).Value)).ToList())
        {
            _mergedInto.Remove(gone);
        }

        MergeAlike();
    }

    private void Remove(Topic topic)
    {
        foreach (var term in topic.Centre.Keys)
        {
            Unindex(term, topic);
        }

        foreach (var member in topic.Members)
        {
            _postIds.Remove(member.Post.Id);
        }

        _topics.Remove(topic.Id);
        _changed.Remove(topic.Id);
    }

    private void MergeAlike()
    {
        var changed = _changed.ToList();
        _changed.Clear();
        foreach (var id in changed)
        {
            if (!_topics.TryGetValue(id, out var topic))
            {
                continue;
            }

            // Candidates share one of the topic's heaviest terms; a partial dot product over those terms, accumulated
            // through the term index, keeps the round cheap when a big topic has thousands of terms. The exact cosine
            // then decides among the candidates whose partial one comes near the threshold.
            _scratch.Clear();
            foreach (var (term, weight) in Heaviest(topic.Centre, MergeCandidateTerms))
            {
                foreach (var (other, otherWeight) in _topicsByTerm[term])
                {
                    if (other != topic)
                    {
                        ref var partial = ref CollectionsMarshal.GetValueRefOrAddDefault(_scratch, other, out _);
                        partial += weight * otherWeight;
                    }
                }
            }

            Topic? best = null;
            var bestSimilarity = 0.0;
            foreach (var (other, partial) in _scratch)
            {
                var otherId = other.Id;
                var norms = Math.Sqrt(topic.NormSquared * other.NormSquared);
                if (partial / norms < _options.MergeThreshold / 2)
                {
                    continue;
                }

                var similarity = Dot(topic.Centre, other.Centre) / norms;
                if (similarity > bestSimilarity || (similarity == bestSimilarity && best is not null && otherId < best.Id))
                {
                    best = other;
                    bestSimilarity = similarity;
                }
            }

            if (best is not null && bestSimilarity >= _options.MergeThreshold)
            {
                // The bigger topic keeps its number, so a topic the console shows does not vanish into a newcomer.
                var (keep, absorb) = best.Members.Count > topic.Members.Count || (best.Members.Count == topic.Members.Count && best.Id < topic.Id)
                    ? (best, topic) : (topic, best);
                Merge(keep, absorb);
            }
        }
    }

    private void Merge(Topic keep, Topic absorb)
    {
        foreach (var (term, weight) in absorb.Centre.ToList())
        {
            Unindex(term, absorb);
            AddToCentre(keep, [new Term(term, weight)], +1);
        }

        keep.Members.AddRange(absorb.Members);
        _topics.Remove(absorb.Id);
        _changed.Remove(absorb.Id);
        _mergedInto[absorb.Id] = keep.Id;
    }

    private static double Dot(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var dot = 0.0;
        foreach (var (term, weight) in small)
        {
            dot += weight * large.GetValueOrDefault(term);
        }

        return dot;
    }

    private static double Dot(Term[] vector, Dictionary<string, double> centre)
    {
        var dot = 0.0;
        foreach (var (term, weight) in vector)
        {
            dot += weight * centre.GetValueOrDefault(term);
        }

        return dot;
    }

    // Share of the shorter post's terms that the other has too: a repost with a prefix or a tag added keeps all of
    // its source's words, which a cosine weighted by rare added words would miss.
    private static double Containment(Term[] a, Term[] b)
    {
        var (small, large) = a.Length <= b.Length ? (a, b) : (b, a);
        var shared = small.Count(t => large.Any(o => string.Equals(o.Word, t.Word, StringComparison.Ordinal)));
        return shared / (double)small.Length;
    }

    private readonly record struct Term(string Word, double Weight);

    private sealed class CentralFirst : IComparer<(double Similarity, Member Member)>
    {
        public static CentralFirst Instance { get; } = new();

        public int Compare((double Similarity, Member Member) x, (double Similarity, Member Member) y)
        {
            var bySimilarity = y.Similarity.CompareTo(x.Similarity);
            if (bySimilarity != 0)
            {
                return bySimilarity;
            }

            var byTime = x.Member.Post.At.CompareTo(y.Member.Post.At);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Member.Post.Id, y.Member.Post.Id);
        }
    }

    private sealed class Member(PostForTopics post, Term[] vector, long number)
    {
        public PostForTopics Post { get; } = post;

        public Term[] Vector { get; } = vector;

        /// <summary>Numbers members in the order they came, tracker-wide: what <see cref="PostSet"/> adds up.</summary>
        public long Number { get; } = number;

        public bool InCentre { get; set; } = true;
    }

    private sealed class Topic(long id)
    {
        public long Id { get; } = id;

        public Dictionary<string, double> Centre { get; } = new(StringComparer.Ordinal);

        public double NormSquared { get; set; }

        public List<Member> Members { get; } = [];

        /// <summary>The last summary of each window, with the posts it summarised.</summary>
        public Dictionary<TimeSpan, KeptSummary> Summaries { get; } = [];
    }

    private sealed record KeptSummary(PostSet Posts, TopicSummary Summary);

    /// <summary>
    /// Which members a window held, in a form cheap to compare: their count, sum and mixed sum of member numbers. Two
    /// different sets of the same topic agreeing on all three would take numbers that cancel in both sums at once.
    /// </summary>
    private readonly record struct PostSet(int Count, long Sum, ulong Mixed)
    {
        public PostSet With(long number) => new(Count + 1, Sum + number, Mixed + Spread((ulong)number));

        // splitmix64's finaliser: the mixed sum of different sets collides only by chance (2^-64).
        private static ulong Spread(ulong x)
        {
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
