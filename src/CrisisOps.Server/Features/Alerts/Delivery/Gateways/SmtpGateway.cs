using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using CrisisOps.Domain.Alerts.Delivery;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>How the SMTP gateway secures its connection (<c>Delivery:Gateways:&lt;name&gt;:Tls</c>).</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain SMTP: only for a relay on the same host or a test listener.</summary>
    None = 1,

    /// <summary>STARTTLS, refused if the server does not offer it (the default: a relay on port 587).</summary>
    StartTls,

    /// <summary>STARTTLS when offered, plain otherwise.</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>Settings of one SMTP gateway (<c>Delivery:Gateways:&lt;name&gt;</c> with <c>Type = smtp</c>).</summary>
/// <param name="MessageIdDomain">The right-hand side of every Message-ID; defaults to the From address's domain.</param>
public sealed record SmtpSettings(string Name, string Host, int Port, SmtpTlsMode Tls, string? User, string? Password, string From,
    string MessageIdDomain, TimeSpan Timeout, double RatePerSecond);

/// <summary>
/// Sends e-mail deliveries through an SMTP relay (MailKit). The Message-ID is derived from the delivery's id,
/// the idempotency key (<c>&lt;delivery-{key}@{domain}&gt;</c>): a message re-sent after a crash carries the
/// same id, so the relay, the mailbox or the person can recognise it as the same message.
/// A 4xx reply, a dropped connection or a timeout is transient; a 5xx reply (unknown mailbox, refused
/// sender) is permanent and the person escalates to the next channel. E-mail has no delivery receipt: the
/// relay's 250 for the message is the last thing we learn, so it counts as delivered at once.
/// Connections are kept open and reused (one per concurrent sender); a token bucket keeps to the relay's rate.
/// </summary>
public sealed class SmtpGateway : IDeliveryGateway, IDisposable
{
    private readonly SmtpSettings _settings;
    private readonly TokenBucketRateLimiter _rate;
    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private readonly MailboxAddress _from;

    public SmtpGateway(SmtpSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _from = MailboxAddress.Parse(settings.From);
        var perSecond = Math.Max(1, (int)Math.Ceiling(settings.RatePerSecond));
        _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public string Name => _settings.Name;

    /// <summary>E-mail has no receipts.</summary>
    public string? ReceiptSecret => null;

    /// <summary>The Message-ID (without angle brackets) of the delivery with this idempotency key.</summary>
    public static string MessageIdOf(long key, string domain) => string.Create(CultureInfo.InvariantCulture, $"delivery-{key}@{domain}");

    public async Task<SendResult> SendAsync(GatewayMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Channel != DeliveryChannel.Email)
        {
            return SendResult.Permanent($"the SMTP gateway carries e-mail only, not {message.Channel.Name()}");
        }

        if (!MailboxAddress.TryParse(message.To, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            return SendResult.Permanent("not an e-mail address");
        }

        var mime = Compose(message, to);
        using var lease = await _rate.AcquireAsync(1, ct);
        SmtpClient? client = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            client = await ConnectedAsync(timeout.Token);
            await client.SendAsync(mime, timeout.Token);
            _idle.Add(client);
            client = null;
            return new SendResult(SendOutcome.Accepted, mime.MessageId, null, DeliveredNow: true);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var reply = string.Create(CultureInfo.InvariantCulture, $"SMTP {code}: {ex.Message}");
            return code is >= 400 and < 500 ? SendResult.Transient(reply) : SendResult.Permanent(reply);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SendResult.Transient(string.Create(CultureInfo.InvariantCulture, $"SMTP relay timed out after {_settings.Timeout.TotalSeconds:0.#} s"));
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException
            or AuthenticationException or SslHandshakeException)
        {
            // An authentication failure is the operator's configuration, not the person's address: retried, and
            // after the delivery's attempts the person escalates like on any other failure.
            return SendResult.Transient("SMTP relay unreachable: " + ex.Message);
        }
        finally
        {
            if (client is not null)
            {
                // After a refusal or a broken dialog the connection is in an unknown state: start afresh next time.
                await DropAsync(client);
            }
        }
    }

    private MimeMessage Compose(GatewayMessage message, MailboxAddress to)
    {
        var lines = message.Text.Split('\n', 2);
        var mime = new MimeMessage
        {
            MessageId = MessageIdOf(message.Key, _settings.MessageIdDomain),
            Subject = lines[0],
            Body = new TextPart("plain") { Text = message.Text },
        };
        mime.From.Add(_from);
        mime.To.Add(to);
        mime.Headers.Add("X-CrisisOps-Alert", message.AlertIdentifier);
        mime.Headers.Add("X-CrisisOps-Idempotency-Key", message.Key.ToString(CultureInfo.InvariantCulture));
        mime.Headers.Add(HeaderId.ContentLanguage, message.Language);

        // Public warnings must not trigger vacation auto-replies to the sender.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        if (message.IsExercise)
        {
            mime.Headers.Add("X-CrisisOps-Exercise", "true");
        }

        return mime;
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken ct)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsConnected)
            {
                return idle;
            }

            idle.Dispose();
        }

        var client = new SmtpClient { Timeout = (int)_settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_settings.Host, _settings.Port, Options(_settings.Tls), ct);
            if (_settings.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, _settings.Password ?? "", ct);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions Options(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    private static async Task DropAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The connection is going away anyway.
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var client))
        {
            client.Dispose();
        }

        _rate.Dispose();
    }
}
