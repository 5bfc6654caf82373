using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.People;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>A segment's coverage: how many of its people the alert targets, how many it reached, and whether that is below target.</summary>
public sealed record SegmentCoverage(string Segment, int Targeted, int Reached, double Share, bool BelowTarget);

/// <summary>Deliveries on one channel by status.</summary>
public sealed record ChannelCount(DeliveryChannel Channel, int Total, int Queued, int Sending, int Sent, int Delivered, int Failed, int Open, int Taken);

public sealed record CoverageReport(Guid AlertId, string Identifier, bool Expanded, int Round, int Targeted, int Reached, double Share, double Target,
    IReadOnlyList<SegmentCoverage> Segments, IReadOnlyList<ChannelCount> Channels);

/// <summary>
/// Coverage of an alert: the share of targeted people reached (delivered on a personal channel or met at
/// the door), overall, by segment (elderly, living alone, each special need, language, community) and by
/// channel. One grouped query over the recipients joined to their profiles' needs, language and community,
/// so it is cheap enough to run on every live update.
/// </summary>
public sealed class CoverageQuery(DeliverySettings settings)
{
    public async Task<CoverageReport?> ComputeAsync(CrisisOpsDbContext db, Guid alertId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var job = await db.FanOutJobs.AsNoTracking().SingleOrDefaultAsync(j => j.AlertId == alertId, ct);
        if (job is null)
        {
            return null;
        }

        var groups = await (from r in db.AlertRecipients.AsNoTracking()
                            where r.AlertId == alertId
                            join p in db.Residents.AsNoTracking() on r.ResidentId equals p.Id
                            group r by new { p.Needs, p.Language, r.RegionCode, Reached = r.ReachedAt != null } into g
                            select new { g.Key.Needs, g.Key.Language, g.Key.RegionCode, g.Key.Reached, Count = g.Count() }).ToListAsync(ct);
        var segments = new Dictionary<string, (int Targeted, int Reached)>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            foreach (var segment in SegmentsOf(g.Needs, g.Language, g.RegionCode).Prepend("all"))
            {
                var (t, r) = segments.GetValueOrDefault(segment);
                segments[segment] = (t + g.Count, r + (g.Reached ? g.Count : 0));
            }
        }

        var counts = await db.Deliveries.AsNoTracking().Where(d => d.AlertId == alertId).GroupBy(d => new { d.Channel, d.Status })
            .Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var channels = counts.GroupBy(c => c.Channel).OrderBy(g => g.Key).Select(g =>
        {
            int Of(DeliveryStatus s) => g.Where(x => x.Status == s).Sum(x => x.Count);
            return new ChannelCount(g.Key, g.Sum(x => x.Count), Of(DeliveryStatus.Queued), Of(DeliveryStatus.Sending), Of(DeliveryStatus.Sent),
                Of(DeliveryStatus.Delivered), Of(DeliveryStatus.Failed), Of(DeliveryStatus.Open), Of(DeliveryStatus.Taken));
        }).ToList();
        var all = segments.GetValueOrDefault("all");
        var list = segments.Where(s => s.Key != "all").OrderBy(s => Order(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => Segment(s.Key, s.Value.Targeted, s.Value.Reached)).ToList();
        return new CoverageReport(alertId, job.Identifier, job.IsExpanded, job.EscalationRound, all.Targeted, all.Reached, Share(all.Reached, all.Targeted),
            settings.CoverageTarget, list, channels);
    }

    private SegmentCoverage Segment(string name, int targeted, int reached) =>
        new(name, targeted, reached, Share(reached, targeted), targeted > 0 && Share(reached, targeted) < settings.CoverageTarget);

    private static double Share(int reached, int targeted) => targeted == 0 ? 0 : Math.Round((double)reached / targeted, 4);

    private static int Order(string segment) => segment.StartsWith("language:", StringComparison.Ordinal) ? 1
        : segment.StartsWith("region:", StringComparison.Ordinal) ? 2 : 0;

    /// <summary>The segments a person counts in: each special need (kebab-case), their language and their community.</summary>
    public static IReadOnlyList<string> SegmentsOf(SpecialNeeds needs, string language, string regionCode)
    {
        var list = new List<string>();
        foreach (var need in Enum.GetValues<SpecialNeeds>())
        {
            if (need != SpecialNeeds.None && (needs & need) == need)
            {
                list.Add(Kebab(need.ToString()));
            }
        }

        list.Add("language:" + language);
        list.Add("region:" + regionCode);
        return list;
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
