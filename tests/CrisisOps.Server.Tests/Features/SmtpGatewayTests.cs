using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.People;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Alerts;
using CrisisOps.Server.Features.Alerts.Delivery;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// E-mail deliveries through the SMTP gateway, end to end: a released alert fans out, the e-mail deliveries
/// go to a small SMTP relay on 127.0.0.1 that this test runs, which accepts one mailbox, answers 451 once
/// for another and 550 for a third. The accepted message carries the alert text and a Message-ID derived
/// from the delivery id; the 451 is retried on the delivery's schedule and then accepted; the 550 fails for good.
/// </summary>
public abstract class SmtpDeliveryTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database = new();

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task EmailDeliveries_AcceptedRetriedOn451_FailedOn550()
    {
        await using var relay = new TestSmtpRelay((to, attempt) => to switch
        {
            _ when to.StartsWith("later", StringComparison.Ordinal) && attempt == 1 => "451 4.3.0 Mailbox busy, try again later",
            _ when to.StartsWith("nobody", StringComparison.Ordinal) => "550 5.1.1 No such user",
            _ => "250 2.1.5 Ok",
        });
        await using var app = new Host(_database, new()
        {
            ["Delivery:RunInBackground"] = "false",
            // Only e-mail has a gateway here: the other channels fail at once ("no gateway carries …") and escalate,
            // which keeps this test about SMTP (no receipts racing the sender).
            ["Delivery:RetryBase"] = "00:00:30",
            ["Delivery:Gateways:mail:Type"] = "smtp",
            ["Delivery:Gateways:mail:Host"] = "127.0.0.1",
            ["Delivery:Gateways:mail:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:Gateways:mail:Tls"] = "None",
            ["Delivery:Gateways:mail:From"] = "Alerts <alerts@crisisops.test>",
            ["Delivery:Gateways:mail:RatePerSecond"] = "1000",
            ["Delivery:Gateways:mail:Channels:0"] = "email",
        });
        var world = await app.WorldAsync();
        var tag = world.Prefix.ToLowerInvariant();
        await SeedAsync(world, $"ok-{tag}@example.org", $"later-{tag}@example.org", $"nobody-{tag}@example.org");
        var alert = new AlertToDeliver(Guid.NewGuid(), "urn:oid:2.49.0.1.156.test." + Guid.NewGuid().ToString("N"), WarningTier.Emergency,
            [world.CommunityA1], [], IsExercise: false,
            [new AlertMessage("zh-CN", "暴雨红色预警", "未来3小时降雨量将达100毫米以上。", "请立即转移到安全地带。")]);
        var fanOut = app.Services.GetRequiredService<IAlertFanOut>();
        await using (var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext())
        {
            fanOut.Enqueue(db, alert, app.Clock.GetUtcNow());
            await db.SaveChangesAsync();
            fanOut.Wake();
        }

        await DrainAsync(app);
        Dictionary<string, Domain.Alerts.Delivery.Delivery> mails;
        await using (var db = _database.NewContext())
        {
            mails = (await db.Deliveries.AsNoTracking().Where(d => d.AlertId == alert.AlertId && d.Channel == DeliveryChannel.Email).ToListAsync())
                .ToDictionary(d => d.Address!.Split('-')[0]);
        }

        Assert.Equal(["later", "nobody", "ok"], mails.Keys.Order(StringComparer.Ordinal));

        // Accepted: the relay has the alert's text under a Message-ID derived from the delivery id; no receipt follows.
        var ok = mails["ok"];
        Assert.Equal(DeliveryStatus.Delivered, ok.Status);
        Assert.Equal("mail", ok.Gateway);
        Assert.Equal($"delivery-{ok.Id}@crisisops.test", ok.GatewayMessageId);
        var message = Assert.Single(relay.Accepted, m => m.To == ok.Address);
        var mime = message.Parse();
        Assert.Equal($"delivery-{ok.Id}@crisisops.test", mime.MessageId);
        Assert.Equal("暴雨红色预警", mime.Subject);
        Assert.Contains("未来3小时降雨量将达100毫米以上。", mime.TextBody, StringComparison.Ordinal);
        Assert.Contains("请立即转移到安全地带。", mime.TextBody, StringComparison.Ordinal);
        Assert.Equal("alerts@crisisops.test", Assert.Single(mime.From.Mailboxes).Address);
        Assert.Equal(ok.Address, Assert.Single(mime.To.Mailboxes).Address);
        Assert.Equal(alert.Identifier, mime.Headers["X-CrisisOps-Alert"]);
        Assert.Equal(ok.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), mime.Headers["X-CrisisOps-Idempotency-Key"]);
        Assert.Equal("auto-generated", mime.Headers["Auto-Submitted"]);
        Assert.Equal("alerts@crisisops.test", message.MailFrom);

        // 451: transient, queued again on the delivery's backoff.
        var later = mails["later"];
        Assert.Equal(DeliveryStatus.Queued, later.Status);
        Assert.Equal(1, later.Attempts);
        Assert.Contains("451", later.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(relay.Accepted, m => m.To == later.Address);

        // 550: permanent at once, no retry.
        var nobody = mails["nobody"];
        Assert.Equal(DeliveryStatus.Failed, nobody.Status);
        Assert.Equal(1, nobody.Attempts);
        Assert.Contains("550", nobody.LastError, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await DrainAsync(app);
        await using (var db = _database.NewContext())
        {
            var laterId = later.Id;
            var nobodyId = nobody.Id;
            var retried = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == laterId);
            Assert.Equal(DeliveryStatus.Delivered, retried.Status);
            Assert.Equal(2, retried.Attempts);
            Assert.Equal(1, (await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == nobodyId)).Attempts);
        }

        var resent = Assert.Single(relay.Accepted, m => m.To == later.Address);
        Assert.Equal($"delivery-{later.Id}@crisisops.test", resent.Parse().MessageId);
        Assert.Equal(2, relay.RecipientAttempts(later.Address!));
        Assert.Equal(1, relay.RecipientAttempts(nobody.Address!));
        Assert.Equal(1, relay.RecipientAttempts(ok.Address!));
    }

    private async Task SeedAsync(RegionWorld world, params string[] emails)
    {
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var residents = SyntheticResidents.Generate([new SyntheticCommunity(world.CommunityA1, world.PathOf(world.CommunityA1), lat, lon)],
            20, seed: 9, CrisisOpsApp.Start, firstNumber: world.Number * 100_000).ToList();
        for (var i = 0; i < residents.Count; i++)
        {
            typeof(Resident).GetProperty(nameof(Resident.Reference))!.SetValue(residents[i], world.Prefix + "-" + residents[i].Reference);
            residents[i].Email = i < emails.Length ? emails[i] : null;
            residents[i].Language = "zh-CN";
        }

        await using var db = _database.NewContext();
        db.Residents.AddRange(residents);
        await db.SaveChangesAsync();
    }

    /// <summary>Delivery rounds until nothing is due now and nothing waits for an answer.</summary>
    private async Task DrainAsync(CrisisOpsApp app)
    {
        var engine = app.Services.GetRequiredService<DeliveryEngine>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await engine.RunUntilIdleAsync(CancellationToken.None);
            await using var db = _database.NewContext();
            if (!await db.Deliveries.AnyAsync(d => d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Sending)
                && await db.FanOutJobs.AllAsync(j => j.ExpandedAt != null))
            {
                return;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "deliveries did not settle");
            await Task.Delay(50);
        }
    }

    private sealed class Host(TestDatabase database, Dictionary<string, string> settings) : CrisisOpsApp(database, ownsDatabase: false, settings: settings);
}

public sealed class SmtpDeliveryTestsOnSqlite : SmtpDeliveryTests<SqliteTestDatabase>;

public sealed class SmtpDeliveryTestsOnPostgres : SmtpDeliveryTests<PostgresTestDatabase>;

/// <summary>The SMTP gateway on its own: what it does with things no relay should see.</summary>
public sealed class SmtpGatewayTests
{
    private static SmtpSettings Settings(int port) =>
        new("mail", "127.0.0.1", port, SmtpTlsMode.None, null, null, "alerts@crisisops.test", "crisisops.test", TimeSpan.FromSeconds(5), 100);

    private static GatewayMessage Message(DeliveryChannel channel, string to) =>
        new(42, channel, to, "en", "Red rainstorm warning\nMove to safe ground now.", "urn:test:1", IsExercise: true);

    [Fact]
    public async Task RelayDown_IsTransient()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var gateway = new SmtpGateway(Settings(port));
        var result = await gateway.SendAsync(Message(DeliveryChannel.Email, "a@example.org"), CancellationToken.None);
        Assert.Equal(SendOutcome.Transient, result.Outcome);
    }

    [Fact]
    public async Task NotAnEmailAddressOrNotEmail_IsPermanent_WithoutTouchingTheRelay()
    {
        await using var relay = new TestSmtpRelay((_, _) => "250 2.1.5 Ok");
        using var gateway = new SmtpGateway(Settings(relay.Port));
        Assert.Equal(SendOutcome.Permanent, (await gateway.SendAsync(Message(DeliveryChannel.Email, "not an address"), CancellationToken.None)).Outcome);
        Assert.Equal(SendOutcome.Permanent, (await gateway.SendAsync(Message(DeliveryChannel.Sms, "+8619900001234"), CancellationToken.None)).Outcome);
        Assert.Equal(0, relay.Connections);
    }

    [Fact]
    public async Task Accepted_IsDeliveredAtOnce_AndReusesTheConnection()
    {
        await using var relay = new TestSmtpRelay((_, _) => "250 2.1.5 Ok");
        using var gateway = new SmtpGateway(Settings(relay.Port));
        var first = await gateway.SendAsync(Message(DeliveryChannel.Email, "a@example.org"), CancellationToken.None);
        var second = await gateway.SendAsync(Message(DeliveryChannel.Email, "b@example.org"), CancellationToken.None);
        Assert.Equal(SendOutcome.Accepted, first.Outcome);
        Assert.True(first.DeliveredNow);
        Assert.Equal("delivery-42@crisisops.test", first.MessageId);
        Assert.Equal(SendOutcome.Accepted, second.Outcome);
        Assert.Equal(2, relay.Accepted.Count);
        Assert.Equal(1, relay.Connections);
        Assert.Equal("true", relay.Accepted.First().Parse().Headers["X-CrisisOps-Exercise"]);
    }

    [Fact]
    public async Task FiveHundredsAtTheEndOfData_ArePermanent_FourHundredsTransient()
    {
        await using var relay = new TestSmtpRelay((_, _) => "250 2.1.5 Ok", data: to => to.StartsWith('p') ? "554 5.7.1 Rejected as spam" : "452 4.3.1 Out of space");
        using var gateway = new SmtpGateway(Settings(relay.Port));
        Assert.Equal(SendOutcome.Permanent, (await gateway.SendAsync(Message(DeliveryChannel.Email, "p@example.org"), CancellationToken.None)).Outcome);
        Assert.Equal(SendOutcome.Transient, (await gateway.SendAsync(Message(DeliveryChannel.Email, "t@example.org"), CancellationToken.None)).Outcome);
    }
}

/// <summary>
/// A minimal SMTP relay on 127.0.0.1 for tests: the RFC 5321 dialog (EHLO/HELO, MAIL, RCPT, DATA with
/// dot-unstuffing, RSET, NOOP, QUIT), a reply per recipient and attempt chosen by the test, and the accepted messages.
/// </summary>
internal sealed class TestSmtpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, string> _rcpt;
    private readonly Func<string, string> _data;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public TestSmtpRelay(Func<string, int, string> rcpt, Func<string, string>? data = null)
    {
        _rcpt = rcpt;
        _data = data ?? (_ => "250 2.0.0 Ok: queued");
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    public ConcurrentQueue<RelayedMessage> Accepted { get; } = new();

    public int RecipientAttempts(string address) => _attempts.GetValueOrDefault(address);

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                sessions.Add(SessionAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        string? from = null;
        var to = new List<string>();
        try
        {
            await writer.WriteLineAsync("220 relay.test ESMTP test relay");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-relay.test\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO":
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 Ok");
                        break;
                    case "RSET":
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 Ok");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 Ok");
                        break;
                    case "RCPT":
                        var address = Address(line);
                        var reply = _rcpt(address, _attempts.AddOrUpdate(address, 1, (_, n) => n + 1));
                        if (reply.StartsWith('2'))
                        {
                            to.Add(address);
                        }

                        await writer.WriteLineAsync(reply);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var body = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                            body.Append(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data).Append("\r\n");
                        }

                        var answer = _data(to.FirstOrDefault() ?? "");
                        if (answer.StartsWith('2'))
                        {
                            foreach (var recipient in to)
                            {
                                Accepted.Enqueue(new RelayedMessage(from ?? "", recipient, body.ToString()));
                            }
                        }

                        to.Clear();
                        await writer.WriteLineAsync(answer);
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognised");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the relay stopped.
        }
    }

    private static string Address(string line)
    {
        var open = line.IndexOf('<', StringComparison.Ordinal);
        var close = line.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? line[(open + 1)..close] : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>A message the test relay accepted: envelope and the raw RFC 5322 text.</summary>
internal sealed record RelayedMessage(string MailFrom, string To, string Raw)
{
    public MimeMessage Parse() => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Raw)));
}
