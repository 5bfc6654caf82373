namespace CrisisOps.Domain.Alerts.Delivery;

/// <summary>The ways an alert reaches people. Kebab-case names (<c>sms</c>, <c>door-to-door</c>) in rules, API and config.</summary>
public enum DeliveryChannel
{
    Sms = 1,

    /// <summary>Voice call to a mobile or landline: for people who cannot read a text message.</summary>
    VoiceCall,
    Email,
    AppPush,

    /// <summary>Cell broadcast to every phone in the area: one delivery per alert × region, not per person.</summary>
    CellBroadcast,

    /// <summary>Loudspeakers (大喇叭) of a community: one delivery per alert × community.</summary>
    Loudspeaker,

    /// <summary>A community information officer (社区应急信息员) knocks on the door: a task a person confirms.</summary>
    DoorToDoor,

    /// <summary>A sign-language volunteer visits or video-calls: a task a person confirms.</summary>
    SignLanguage,
}

/// <summary>What a delivery is at: queued for a gateway (or open as a task), handed over, confirmed, or failed for good.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for a gateway, at <see cref="Delivery.NextAttemptAt"/>.</summary>
    Queued = 1,

    /// <summary>Claimed by a sender until its lease runs out; a crash leaves it here and the lease's end frees it.</summary>
    Sending,

    /// <summary>The gateway took it; its receipt is awaited.</summary>
    Sent,

    /// <summary>The gateway's receipt says it arrived, or the visit reached the person.</summary>
    Delivered,

    /// <summary>Failed for good (permanent answer, attempts used up, failed receipt, nobody at home): the person escalates.</summary>
    Failed,

    /// <summary>A task nobody has taken yet.</summary>
    Open,

    /// <summary>A task someone took and has not confirmed yet.</summary>
    Taken,
}

/// <summary>What a visit found.</summary>
public enum VisitOutcome
{
    Reached = 1,
    NotAtHome,
    Refused,
}

public static class DeliveryChannels
{
    /// <summary>Channels a person does by hand (tasks), not a gateway.</summary>
    public static bool IsTask(this DeliveryChannel channel) => channel is DeliveryChannel.DoorToDoor or DeliveryChannel.SignLanguage;

    /// <summary>Channels that reach an area, not a person: they count for nobody's coverage.</summary>
    public static bool IsArea(this DeliveryChannel channel) => channel is DeliveryChannel.CellBroadcast or DeliveryChannel.Loudspeaker;

    public static string Name(this DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Sms => "sms",
        DeliveryChannel.VoiceCall => "voice-call",
        DeliveryChannel.Email => "email",
        DeliveryChannel.AppPush => "app-push",
        DeliveryChannel.CellBroadcast => "cell-broadcast",
        DeliveryChannel.Loudspeaker => "loudspeaker",
        DeliveryChannel.DoorToDoor => "door-to-door",
        DeliveryChannel.SignLanguage => "sign-language",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static bool TryParse(string? name, out DeliveryChannel channel)
    {
        foreach (var c in Enum.GetValues<DeliveryChannel>())
        {
            if (string.Equals(c.Name(), name, StringComparison.Ordinal))
            {
                channel = c;
                return true;
            }
        }

        channel = default;
        return false;
    }
}
