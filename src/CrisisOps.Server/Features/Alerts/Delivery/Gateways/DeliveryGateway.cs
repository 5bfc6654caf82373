using CrisisOps.Domain.Alerts.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>
/// What a gateway receives: the idempotency key (the delivery's id), the channel, one address and one
/// text. Never a profile: no name, no needs, no other contact point.
/// </summary>
public sealed record GatewayMessage(long Key, DeliveryChannel Channel, string To, string Language, string Text, string AlertIdentifier,
    bool IsExercise);

public enum SendOutcome
{
    /// <summary>The gateway took it; a receipt follows (or, for gateways without receipts, it counts as delivered).</summary>
    Accepted = 1,

    /// <summary>Try again later: a timeout, a 5xx or 429, an answer we cannot read.</summary>
    Transient,

    /// <summary>Never works for this message (a 4xx, a refused address): the person escalates to the next channel.</summary>
    Permanent,
}

public sealed record SendResult(SendOutcome Outcome, string? MessageId, string? Error, bool DeliveredNow = false)
{
    public static SendResult Transient(string error) => new(SendOutcome.Transient, null, error);

    public static SendResult Permanent(string error) => new(SendOutcome.Permanent, null, error);
}

/// <summary>One way out: an operator's webhook, an SMTP relay, or the loopback test gateway.</summary>
public interface IDeliveryGateway
{
    string Name { get; }

    /// <summary>The shared secret receipts from this gateway are signed with; null when it sends none.</summary>
    string? ReceiptSecret { get; }

    Task<SendResult> SendAsync(GatewayMessage message, CancellationToken ct);

    /// <summary>How many messages one hand-off may carry; 1 for gateways that take them one at a time.</summary>
    int MaxBatch => 1;

    /// <summary>
    /// Hands on a batch (at most <see cref="MaxBatch"/>) and answers one result per message, in order. A gateway
    /// without a batch form sends them one by one.
    /// </summary>
    async Task<IReadOnlyList<SendResult>> SendBatchAsync(IReadOnlyList<GatewayMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new List<SendResult>(messages.Count);
        foreach (var message in messages)
        {
            results.Add(await SendAsync(message, ct));
        }

        return results;
    }
}
