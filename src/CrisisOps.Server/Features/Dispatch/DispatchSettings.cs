using CrisisOps.Domain.Dispatch;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// <c>Dispatch:*</c>: what a delivery takes at the door (<c>ServiceMinutes</c>, default 10), the cost of leaving a
/// delivery of each priority class out (<c>Priorities:care-homes</c> … <c>others</c>, in seconds of driving the
/// fleet would rather spend than drop it), and the solver's default time budget and optional iteration cap.
/// </summary>
public sealed class DispatchSettings
{
    /// <summary>Drop penalties by class, in seconds of driving: a care home is worth ten hours of detours, a household one.</summary>
    public static readonly IReadOnlyList<long> DefaultPenalties = [36_000_000, 3_600_000, 360_000, 36_000, 3_600];

    public DispatchSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Dispatch");
        ServiceTime = TimeSpan.FromMinutes(section.GetValue("ServiceMinutes", 10.0));
        DefaultSeconds = section.GetValue("DefaultSeconds", 5);
        IterationLimit = section.GetValue<long?>("IterationLimit");
        if (IterationLimit is <= 0)
        {
            throw new InvalidOperationException("Dispatch:IterationLimit must be positive when set.");
        }
        var penalties = new long[DeliveryPriority.Classes];
        for (var c = 0; c < penalties.Length; c++)
        {
            var value = section.GetValue<long?>($"Priorities:{DeliveryPriority.Name(c)}") ?? DefaultPenalties[c];
            if (value <= 0)
            {
                throw new InvalidOperationException($"Dispatch:Priorities:{DeliveryPriority.Name(c)} must be positive (seconds of driving).");
            }

            penalties[c] = value;
        }

        for (var c = 1; c < penalties.Length; c++)
        {
            if (penalties[c] > penalties[c - 1])
            {
                throw new InvalidOperationException(
                    $"Dispatch:Priorities: {DeliveryPriority.Name(c)} may not outweigh the more urgent {DeliveryPriority.Name(c - 1)}.");
            }
        }

        DropPenalties = penalties;
    }

    public TimeSpan ServiceTime { get; }

    public int DefaultSeconds { get; }

    /// <summary>
    /// <c>Dispatch:IterationLimit</c>: stop the search after this many iterations even with time left. Unset in
    /// production (use the whole budget); set where a plan must be reproducible — same needs, seed and limit, same plan.
    /// </summary>
    public long? IterationLimit { get; }

    public IReadOnlyList<long> DropPenalties { get; }
}
