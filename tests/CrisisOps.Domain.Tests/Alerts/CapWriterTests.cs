using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CrisisOps.Domain;
using CrisisOps.Domain.Alerts;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Alerts;

public sealed class CapWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 30, 15, TimeSpan.Zero);

    // A square district with a notch, and its neighbour sharing an edge: the union is one outline.
    private const string West = """{"type":"Polygon","coordinates":[[[113.0,23.0],[113.1,23.0],[113.1,23.1],[113.05,23.05],[113.0,23.1],[113.0,23.0]]]}""";
    private const string East = """{"type":"Polygon","coordinates":[[[113.1,23.0],[113.2,23.0],[113.2,23.1],[113.1,23.1],[113.1,23.0]]]}""";

    internal static Alert Sample(CapMessageType type = CapMessageType.Alert, IReadOnlyList<CapReference>? references = null, string headline = "暴雨红色预警")
    {
        var draft = new AlertDraft(CapStatus.Actual, type, CapScope.Public, null, WarningTier.Emergency, "rainstorm",
            [new AlertRegion("W-A", "/W-P/W-C/W-A/", "西区", "West district"), new AlertRegion("W-B", "/W-P/W-C/W-B/", "东区", "East district")],
            [
                new AlertInfo("en", CapCategory.Met, "Rainstorm", CapUrgency.Immediate, CapSeverity.Extreme, CapCertainty.Likely,
                    "Red rainstorm warning <&> \"now\"", "Over 100 mm in 3 h.", "Stay indoors.", Now.AddHours(6)),
                new AlertInfo("zh-CN", CapCategory.Met, "暴雨", CapUrgency.Immediate, CapSeverity.Extreme, CapCertainty.Likely,
                    headline, "3小时降雨量将达100毫米以上。", "请留在室内。", Now.AddHours(6)),
            ],
            references ?? []);
        var alert = new Alert(Guid.NewGuid(), "CRISISOPS-W-A-20260712083015-0001", "alerts@crisisops.example", draft, "composer", Now);
        alert.Submit(1, Now);
        alert.Approve("approver", Now.AddSeconds(0.7));
        return alert;
    }

    [Fact]
    public void Write_WhenAlertHasTwoLanguagesAndRegions_ValidatesAgainstCapSchemaAndRoundTrips()
    {
        var alert = Sample();
        var xml = CapWriter.Write(AlertCap.ToCap(alert, alert.Sent!.Value, [West, East]));

        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(xml));

        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
        var cap = verdict.Alert!;
        Assert.Equal(alert.Identifier, cap.Identifier);
        Assert.Equal(alert.Sent, cap.Sent);
        Assert.Equal(Now, cap.Sent);
        Assert.Contains("<sent>2026-07-12T08:30:15-00:00</sent>", xml, StringComparison.Ordinal);
        Assert.Equal(["zh-CN", "en"], cap.Infos.Select(i => i.Language));
        Assert.Equal("Red rainstorm warning <&> \"now\"", cap.Infos[1].Headline);
        Assert.Equal("西区、东区", cap.Infos[0].Areas[0].AreaDesc);
        Assert.Equal(["W-A", "W-B"], cap.Infos[0].Areas[0].Geocodes.Select(g => g.Value));
        Assert.Equal(CapSeverity.Extreme, cap.Infos[0].Severity);
        var polygon = Assert.Single(cap.Infos[0].Areas[0].Polygons);
        Assert.Equal(polygon.Points[0], polygon.Points[^1]);
        Assert.Contains(polygon.Points, p => p.Latitude == 23.05 && p.Longitude == 113.05); // latitude first
        Assert.DoesNotContain(polygon.Points, p => p.Latitude > 100); // not lon,lat
    }

    [Fact]
    public void Write_WhenCancelRefersToEarlierAlert_WritesTheReferenceTriple()
    {
        var earlier = Sample();
        var cancel = Sample(CapMessageType.Cancel, [earlier.AsReference!]);

        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(CapWriter.Write(AlertCap.ToCap(cancel, cancel.Sent!.Value, [West]))));

        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
        var reference = Assert.Single(verdict.Alert!.References);
        Assert.Equal(new CapReference(earlier.Sender, earlier.Identifier, earlier.Sent!.Value), reference);
        Assert.Equal(CapMessageType.Cancel, verdict.Alert.MsgType);
    }

    [Fact]
    public void Outline_WhenBoundaryIsDetailed_SimplifiesToAtMostTheLimitAndStaysClosed()
    {
        // A circle of 2,000 points.
        var ring = Enumerable.Range(0, 2000).Select(i => (113.0 + 0.1 * Math.Cos(i * 2 * Math.PI / 2000), 23.0 + 0.1 * Math.Sin(i * 2 * Math.PI / 2000)))
            .Select(p => $"[{p.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture)},{p.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)}]")
            .ToList();
        ring.Add(ring[0]);
        var json = """{"type":"Polygon","coordinates":[[""" + string.Join(',', ring) + "]]}";

        var polygons = AlertCap.Outline([json]);

        var polygon = Assert.Single(polygons);
        Assert.InRange(polygon.Points.Count, 20, AlertCap.MaxPolygonPoints);
        Assert.Equal(polygon.Points[0], polygon.Points[^1]);
    }

    [Fact]
    public void Sign_WhenVerified_AcceptsTheSignedDocumentRejectsATamperedOneAndStillValidates()
    {
        using var certificate = SelfSigned();
        var alert = Sample();
        var signed = CapSigner.Sign(CapWriter.Write(AlertCap.ToCap(alert, alert.Sent!.Value, [West])), certificate);
        using var publicKey = certificate.GetRSAPublicKey()!;

        Assert.True(CapSigner.Verify(signed, publicKey));
        Assert.Contains("rsa-sha256", signed, StringComparison.Ordinal);
        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(signed));
        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));

        var tampered = signed.Replace("3小时降雨量将达100毫米以上。", "3小时降雨量将达10毫米以上。", StringComparison.Ordinal);
        Assert.NotEqual(signed, tampered);
        Assert.False(CapSigner.Verify(tampered, publicKey));

        using var other = RSA.Create(2048);
        Assert.False(CapSigner.Verify(signed, other));
    }

    [Fact]
    public void Approve_WhenComposerOrSameApproverTwice_IsRefusedAndEmergencyNeedsTwoPeople()
    {
        var draft = new AlertDraft(CapStatus.Exercise, CapMessageType.Alert, CapScope.Public, null, WarningTier.Emergency, null,
            [new AlertRegion("W-A", "/W-A/", "西区", "West")],
            [new AlertInfo("zh-CN", CapCategory.Met, "暴雨", CapUrgency.Immediate, CapSeverity.Extreme, CapCertainty.Likely, "h", "d", null, null)], []);
        var alert = new Alert(Guid.NewGuid(), "X-1", "s", draft, "composer", Now);
        Assert.Equal("alert-stage", Assert.Throws<DomainException>(() => alert.Approve("a", Now)).Code);
        alert.Submit(2, Now);

        Assert.Equal("own-alert", Assert.Throws<DomainException>(() => alert.Approve("composer", Now)).Code);
        Assert.False(alert.Approve("first", Now));
        var twice = Assert.Throws<DomainException>(() => alert.Approve("first", Now));
        Assert.Equal("already-approved", twice.Code);
        Assert.True(twice.IsConflict);
        Assert.Equal(AlertStage.Submitted, alert.Stage);
        Assert.True(alert.Approve("second", Now));
        Assert.Equal(AlertStage.Released, alert.Stage);
        Assert.Equal("alert-not-withdrawable", Assert.Throws<DomainException>(() => alert.Withdraw("x", null, Now)).Code);
    }

    [Fact]
    public void Constructor_WhenNoAreaOrNoInfoOrCancelWithoutReference_Refuses()
    {
        var info = new AlertInfo("en", CapCategory.Met, "e", CapUrgency.Unknown, CapSeverity.Unknown, CapCertainty.Unknown, "h", "d", null, null);
        var region = new AlertRegion("W-A", "/W-A/", "西区", "West");
        DomainException Make(IReadOnlyList<AlertRegion> regions, IReadOnlyList<AlertInfo> infos, CapMessageType type) =>
            Assert.Throws<DomainException>(() => new Alert(Guid.NewGuid(), "X", "s",
                new AlertDraft(CapStatus.Actual, type, CapScope.Public, null, WarningTier.General, null, regions, infos, []), "c", Now));

        Assert.Equal("alert-without-area", Make([], [info], CapMessageType.Alert).Code);
        Assert.Equal("alert-without-info", Make([region], [], CapMessageType.Alert).Code);
        Assert.Equal("alert-references", Make([region], [info], CapMessageType.Cancel).Code);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=CrisisOps alerts test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(1));
    }
}
