using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>How delivery runs (<c>Delivery:*</c> in appsettings; see docs/delivery.md).</summary>
public sealed record DeliverySettings
{
    /// <summary>Share of a segment that must be reached; a segment below it is flagged and its unreached get door-to-door.</summary>
    public double CoverageTarget { get; init; } = 0.95;

    /// <summary>Time for a round: whoever is not reached on any channel by then gets the next channel.</summary>
    public TimeSpan EscalateAfter { get; init; } = TimeSpan.FromMinutes(30);

    public int MaxRounds { get; init; } = 3;

    /// <summary>Attempts of one delivery on transient failures before it fails for good and the person escalates.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First retry delay; doubled for each further attempt.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a sender holds a claimed delivery; a crashed sender's deliveries are re-sent (same key) after it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Residents per fan-out batch (one transaction). Region areas are routed inside the database, where a batch
    /// costs little beyond its rows, so batches are large: a city of a million in ten rounds (bench/README.md).</summary>
    public int ExpandBatch { get; init; } = 100_000;

    public int SendBatch { get; init; } = 1000;

    public int SendConcurrency { get; init; } = 16;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyDictionary<DeliveryChannel, string> Routes { get; init; } = new Dictionary<DeliveryChannel, string>();

    public IReadOnlyList<WebhookSettings> Webhooks { get; init; } = [];

    public IReadOnlyList<SmtpSettings> SmtpGateways { get; init; } = [];

    public LoopbackSettings Loopback { get; init; } = new();

    /// <summary>Reads and checks the section; a bad value stops the server naming the key.</summary>
    public static DeliverySettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Delivery");
        var target = section.GetValue("CoverageTarget", 0.95);
        if (target is <= 0 or > 1)
        {
            throw new InvalidOperationException("Delivery:CoverageTarget must lie in (0, 1].");
        }

        var webhooks = new List<WebhookSettings>();
        var smtpGateways = new List<SmtpSettings>();
        var routes = new Dictionary<DeliveryChannel, string>();
        foreach (var gateway in section.GetSection("Gateways").GetChildren())
        {
            var key = "Delivery:Gateways:" + gateway.Key;
            var type = gateway["Type"] ?? "webhook";
            if (string.Equals(type, "webhook", StringComparison.Ordinal))
            {
                if (!Uri.TryCreate(gateway["Url"], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    throw new InvalidOperationException(key + ":Url must be an absolute http(s) URL.");
                }

                webhooks.Add(new WebhookSettings(gateway.Key, url, gateway["Bearer"], gateway["ReceiptSecret"],
                    gateway.GetValue("Timeout", TimeSpan.FromSeconds(10)), gateway.GetValue("Retries", 2),
                    gateway.GetValue("RetryBackoff", TimeSpan.FromMilliseconds(200)), gateway.GetValue("RatePerSecond", 100.0),
                    Math.Clamp(gateway.GetValue("MaxBatch", 100), 1, 1000)));
            }
            else if (string.Equals(type, "smtp", StringComparison.Ordinal))
            {
                smtpGateways.Add(ReadSmtp(gateway, key));
            }
            else
            {
                throw new InvalidOperationException(key + ":Type must be 'webhook' or 'smtp'.");
            }

            foreach (var name in gateway.GetSection("Channels").GetChildren().Select(c => c.Value))
            {
                if (!DeliveryChannels.TryParse(name, out var channel) || channel.IsTask())
                {
                    throw new InvalidOperationException($"{key}:Channels holds '{name}', not a gateway channel.");
                }

                if (string.Equals(type, "smtp", StringComparison.Ordinal) && channel != DeliveryChannel.Email)
                {
                    throw new InvalidOperationException($"{key}:Channels holds '{name}': an SMTP gateway carries e-mail only.");
                }

                routes[channel] = gateway.Key;
            }
        }

        var loopback = section.GetSection("Loopback");
        var loopbackSettings = new LoopbackSettings
        {
            Enabled = loopback.GetValue("Enabled", false),
            FailShare = loopback.GetValue("FailShare", 0.0),
            FlakyShare = loopback.GetValue("FlakyShare", 0.0),
            FailedReceiptShare = loopback.GetValue("FailedReceiptShare", 0.0),
            FailChannels = loopback.GetSection("FailChannels").Get<string[]>() ?? ["sms"],
            Delay = loopback.GetValue("Delay", TimeSpan.Zero),
            ReceiptDelay = loopback.GetValue("ReceiptDelay", TimeSpan.FromMilliseconds(20)),
            Seed = loopback.GetValue("Seed", 1),
            ReceiptSecret = loopback["ReceiptSecret"] ?? "loopback-receipt-secret",
            ReceiptsBaseUrl = loopback["ReceiptsBaseUrl"] is { Length: > 0 } u ? new Uri(u) : null,
        };
        if (loopbackSettings.Enabled)
        {
            // The loopback gateway takes every gateway channel nobody else routes.
            foreach (var channel in Enum.GetValues<DeliveryChannel>().Where(c => !c.IsTask()))
            {
                routes.TryAdd(channel, loopbackSettings.Name);
            }
        }

        return new DeliverySettings
        {
            CoverageTarget = target,
            EscalateAfter = Positive(section, "EscalateAfter", TimeSpan.FromMinutes(30)),
            MaxRounds = section.GetValue("MaxRounds", 3),
            MaxAttempts = Math.Max(1, section.GetValue("MaxAttempts", 4)),
            RetryBase = Positive(section, "RetryBase", TimeSpan.FromSeconds(30)),
            Lease = Positive(section, "Lease", TimeSpan.FromMinutes(2)),
            ExpandBatch = Math.Clamp(section.GetValue("ExpandBatch", 100_000), 10, 1_000_000),
            SendBatch = Math.Clamp(section.GetValue("SendBatch", 1000), 1, 5000),
            SendConcurrency = Math.Clamp(section.GetValue("SendConcurrency", 16), 1, 256),
            PollInterval = Positive(section, "PollInterval", TimeSpan.FromSeconds(5)),
            Routes = routes,
            Webhooks = webhooks,
            SmtpGateways = smtpGateways,
            Loopback = loopbackSettings,
        };
    }

    private static SmtpSettings ReadSmtp(IConfigurationSection gateway, string key)
    {
        var host = gateway["Host"] is { Length: > 0 } h ? h : throw new InvalidOperationException(key + ":Host is required for an SMTP gateway.");
        var port = gateway.GetValue("Port", 587);
        if (port is < 1 or > 65535)
        {
            throw new InvalidOperationException(key + ":Port must lie in 1–65535.");
        }

        if (!Enum.TryParse<SmtpTlsMode>(gateway["Tls"] ?? nameof(SmtpTlsMode.StartTls), ignoreCase: true, out var tls) || !Enum.IsDefined(tls))
        {
            throw new InvalidOperationException(key + ":Tls must be None, StartTls, StartTlsWhenAvailable or SslOnConnect.");
        }

        if (!MimeKit.MailboxAddress.TryParse(gateway["From"], out var from) || from.Domain is not { Length: > 0 } domain)
        {
            throw new InvalidOperationException(key + ":From must be an e-mail address (the sender of alert mails).");
        }

        var timeout = gateway.GetValue("Timeout", TimeSpan.FromSeconds(30));
        var rate = gateway.GetValue("RatePerSecond", 20.0);
        if (timeout <= TimeSpan.Zero || rate <= 0)
        {
            throw new InvalidOperationException(key + ":Timeout and RatePerSecond must be positive.");
        }

        return new SmtpSettings(gateway.Key, host, port, tls, gateway["User"], gateway["Password"], gateway["From"]!,
            gateway["MessageIdDomain"] is { Length: > 0 } d ? d : domain, timeout, rate);
    }

    private static TimeSpan Positive(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var value = section.GetValue(key, fallback);
        return value > TimeSpan.Zero ? value : throw new InvalidOperationException($"Delivery:{key} must be positive.");
    }
}

/// <summary>The channel rules in force, from <c>Delivery:ChannelRulesFile</c> (default the shipped Alerts/channel-rules.json). A bad file stops the server.</summary>
public sealed class ChannelRulesProvider
{
    public ChannelRulesProvider(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = Path.GetFullPath(configuration["Delivery:ChannelRulesFile"] ?? Path.Combine(AppContext.BaseDirectory, "Alerts", "channel-rules.json"));
        Current = ChannelRules.Parse(File.ReadAllText(path));
    }

    public ChannelRules Current { get; }
}
