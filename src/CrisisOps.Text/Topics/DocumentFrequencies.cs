namespace CrisisOps.Text.Topics;

/// <summary>
/// In how many posts of the recent window each term occurs, kept incrementally: a post's distinct terms are counted
/// when it arrives and uncounted when it leaves the window. Inverse document frequency is smoothed,
/// ln((1 + N) / (1 + df)) + 1, so a term in every post still weighs a little and an unseen one does not divide by zero.
/// </summary>
internal sealed class DocumentFrequencies
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string[], DateTimeOffset> _posts = new();

    public int Posts { get; private set; }

    public void Add(DateTimeOffset at, string[] distinctTerms)
    {
        foreach (var term in distinctTerms)
        {
            _counts[term] = _counts.GetValueOrDefault(term) + 1;
        }

        _posts.Enqueue(distinctTerms, at);
        Posts++;
    }

    /// <summary>Uncounts the posts at or before <paramref name="cutoff"/>.</summary>
    public void ExpireThrough(DateTimeOffset cutoff)
    {
        while (_posts.TryPeek(out var terms, out var at) && at <= cutoff)
        {
            _posts.Dequeue();
            Posts--;
            foreach (var term in terms)
            {
                var left = _counts[term] - 1;
                if (left == 0)
                {
                    _counts.Remove(term);
                }
                else
                {
                    _counts[term] = left;
                }
            }
        }
    }

    public double Idf(string term) => Math.Log((1.0 + Posts) / (1.0 + _counts.GetValueOrDefault(term))) + 1.0;
}
