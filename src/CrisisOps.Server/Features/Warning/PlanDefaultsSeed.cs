using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Every tier starts a plan (MISSION §1), so every tier needs one from the first start: each start
/// adds the mechanism's default plan for any hazard to every tier that has none, journaled as the
/// system. Plans someone has written or edited are never touched, so running this again changes
/// nothing.
/// </summary>
public static partial class PlanDefaultsSeed
{
    public static async Task EnsureDefaultPlansAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CrisisOps.Plans");
        var existing = await db.ResponsePlans.Where(p => p.Hazard == PlanHazards.Any).Select(p => p.Tier).ToListAsync();
        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var definition in DefaultPlans.All.Where(d => !existing.Contains(d.Tier)))
        {
            var plan = new ResponsePlan(Guid.CreateVersion7(now), definition, "system", now, isBuiltIn: true);
            db.ResponsePlans.Add(plan);
            db.Append(new JournalRecord(now, "system", JournalTypes.PlanCreated, null, null, null,
                new { planId = plan.Id, plan.Hazard, plan.Tier, plan.Version, plan.NameZh, plan.NameEn, seeded = true,
                    steps = plan.Steps.Select(PlanEndpoints.ToDto) }));
            added++;
        }

        if (added == 0)
        {
            return;
        }

        try
        {
            await db.SaveChangesAsync();
            LogSeeded(logger, added);
        }
        catch (DbUpdateException)
        {
            // Another replica starting at the same moment seeded them first: the unique key kept one copy.
            LogSeededElsewhere(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} default response plans")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Default response plans were seeded by another replica")]
    private static partial void LogSeededElsewhere(ILogger logger);
}
