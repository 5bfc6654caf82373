using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class CapReaderTests
{
    private const string Sent = "2026-11-30T08:15:00+08:00";

    private const string MinimalInfo = """
        <info>
          <category>Met</category>
          <event>Rainstorm</event>
          <urgency>Expected</urgency>
          <severity>Severe</severity>
          <certainty>Likely</certainty>
        </info>
        """;

    public static TheoryData<string> CorpusFiles => CapCorpus.Files();

    // Our own small alerts (not taken from the shared corpus): a header and whatever follows it.
    private static string Alert(string afterScope = MinimalInfo, string msgType = "Alert") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>CN-TEST-0001</identifier>
          <sender>warning@example.gov.cn</sender>
          <sent>{Sent}</sent>
          <status>Exercise</status>
          <msgType>{msgType}</msgType>
          <scope>Public</scope>
          {afterScope}
        </alert>
        """;

    private static string InfoWithArea(string areaContent) => MinimalInfo.Replace("</info>", $"""
          <area>
            <areaDesc>Riverside subdistrict</areaDesc>
            {areaContent}
          </area>
        </info>
        """, StringComparison.Ordinal);

    private static CapVerdict Read(string xml) => CapReader.Read(Encoding.UTF8.GetBytes(xml));

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Read_WhenCorpusFile_ClassifiesAsManifestSays(string file)
    {
        var row = CapCorpus.Manifest.Single(r => string.Equals(r.File, file, StringComparison.Ordinal));

        var verdict = CapReader.Read(CapCorpus.Bytes(file));

        if (file.StartsWith("alerts/valid/", StringComparison.Ordinal))
        {
            Assert.True(verdict.Accepted, $"{file}: {verdict.Kind}: {string.Join(" | ", verdict.Reasons)}");
            Assert.Equal(CapVerdictKind.Valid, verdict.Kind);
            Assert.Empty(verdict.Reasons);
            var alert = verdict.Alert;
            Assert.Equal(row.InfoBlocks, alert.Infos.Count);
            Assert.Equal(row.Polygons, alert.Infos.SelectMany(i => i.Areas).Sum(a => a.Polygons.Count));
            Assert.Equal(row.Circles, alert.Infos.SelectMany(i => i.Areas).Sum(a => a.Circles.Count));
            if (row.Languages.Length > 0)
            {
                Assert.Equal(
                    row.Languages.Split(' ').Order(StringComparer.OrdinalIgnoreCase),
                    alert.Infos.Select(i => i.Language).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase),
                    StringComparer.OrdinalIgnoreCase);
            }

            return;
        }

        Assert.False(verdict.Accepted);
        Assert.Null(verdict.Alert);
        Assert.NotEmpty(verdict.Reasons);
        Assert.All(verdict.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        Assert.Equal(ExpectedRejection(row), verdict.Kind);
        if (verdict.Kind == CapVerdictKind.SchemaInvalid)
        {
            // xmllint and .NET's validator agree on where the first schema error is.
            var line = row.Xmllint.Split(':')[1].Trim();
            Assert.StartsWith(line, verdict.Reasons[0], StringComparison.Ordinal);
        }

        if (verdict.Kind is CapVerdictKind.WrongNamespace or CapVerdictKind.OtherVersion)
        {
            var text = Encoding.UTF8.GetString(CapCorpus.Bytes(file));
            var found = new[]
            {
                "urn:oasis:names:tc:emergency:alerts:1.2",
                "urn:oasis:names:tc:emergency:cap:1.1",
                "urn:oasis:names:tc:emergency:EDXL:DE:1.0",
            }.Single(ns => text.Contains(ns, StringComparison.Ordinal));
            Assert.Contains(found, verdict.Reasons[0], StringComparison.Ordinal);
        }
    }

    private static CapVerdictKind ExpectedRejection(CapManifestRow row) => row switch
    {
        _ when row.File.StartsWith("alerts/other-version/", StringComparison.Ordinal) => CapVerdictKind.OtherVersion,
        _ when row.Notes.Contains("XXE", StringComparison.Ordinal) => CapVerdictKind.Unsafe,
        _ when row.ValidityPerSource.Contains("wrong namespace", StringComparison.Ordinal) => CapVerdictKind.WrongNamespace,
        _ when row.File.StartsWith("alerts/invalid/", StringComparison.Ordinal) => CapVerdictKind.SchemaInvalid,
        _ => throw new InvalidOperationException($"MANIFEST row '{row.File}' is in no folder the test knows."),
    };

    [Fact]
    public void Read_WhenSpecExampleA2Thunderstorm_MapsEveryValue()
    {
        var verdict = CapReader.Read(CapCorpus.Bytes("alerts/valid/oasis-spec-a2-thunderstorm-polygon.xml"));

        Assert.True(verdict.Accepted);
        var alert = verdict.Alert;
        Assert.Equal("KSTO1055887203", alert.Identifier);
        Assert.Equal("KSTO@NWS.NOAA.GOV", alert.Sender);
        Assert.Equal(new DateTimeOffset(2003, 6, 17, 14, 57, 0, TimeSpan.FromHours(-7)), alert.Sent);
        Assert.Equal(TimeSpan.FromHours(-7), alert.Sent.Offset);
        Assert.Equal(CapStatus.Actual, alert.Status);
        Assert.Equal(CapMessageType.Alert, alert.MsgType);
        Assert.Equal(CapScope.Public, alert.Scope);
        Assert.Empty(alert.References);
        Assert.Empty(alert.Code);
        Assert.Null(alert.Note);

        var info = Assert.Single(alert.Infos);
        Assert.Equal("en-US", info.Language);
        Assert.Equal([CapCategory.Met], info.Categories);
        Assert.Equal("SEVERE THUNDERSTORM", info.Event);
        Assert.Equal([CapResponseType.Shelter], info.ResponseTypes);
        Assert.Equal(CapUrgency.Immediate, info.Urgency);
        Assert.Equal(CapSeverity.Severe, info.Severity);
        Assert.Equal(CapCertainty.Observed, info.Certainty);
        Assert.Equal([new CapValuePair("SAME", "SVR")], info.EventCodes);
        Assert.Null(info.Effective);
        Assert.Equal(new DateTimeOffset(2003, 6, 17, 16, 0, 0, TimeSpan.FromHours(-7)), info.Expires);
        Assert.Equal("NATIONAL WEATHER SERVICE SACRAMENTO CA", info.SenderName);
        Assert.Equal("SEVERE THUNDERSTORM WARNING", info.Headline);
        Assert.Equal("TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.", info.Instruction);
        Assert.Equal("BARUFFALDI/JUSKIE", info.Contact);

        var area = Assert.Single(info.Areas);
        Assert.StartsWith("EXTREME NORTH CENTRAL TUOLUMNE COUNTY", area.AreaDesc, StringComparison.Ordinal);
        var polygon = Assert.Single(area.Polygons);
        Assert.Equal(
            [new GeoPoint(38.47, -120.14), new GeoPoint(38.34, -119.95), new GeoPoint(38.52, -119.74), new GeoPoint(38.62, -119.89), new GeoPoint(38.47, -120.14)],
            polygon.Points);
        Assert.Empty(area.Circles);
        Assert.Equal(["006109", "006009", "006003"], area.Geocodes.Select(g => g.Value));
        Assert.All(area.Geocodes, g => Assert.Equal("SAME", g.ValueName));
        Assert.Null(area.Altitude);
    }

    [Fact]
    public void Read_WhenIso88591Declared_DecodesAccordingly()
    {
        var verdict = CapReader.Read(CapCorpus.Bytes("alerts/valid/google-earthquake-iso8859-1.xml"));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        var circle = Assert.Single(Assert.Single(Assert.Single(verdict.Alert.Infos).Areas).Circles);
        Assert.Equal(new GeoPoint(12.747, -88.783), circle.Center);
        Assert.Equal(0, circle.RadiusKm);
        // The byte 0xE1 is 'á' in ISO-8859-1 (and not UTF-8 at all).
        Assert.Equal("EQ 4.6 Usulután, Usulután, El Salvador - PRELIMINARY REPORT", verdict.Alert.Infos[0].Headline);
    }

    [Fact]
    public void Read_WhenReferencesGiven_ParsesEachTriple()
    {
        var verdict = Read(Alert(
            "<references>warning@example.gov.cn,CN-TEST-0000,2026-11-30T07:00:00+08:00 other@example.org,X.1,2026-11-29T23:00:00-00:00</references>",
            msgType: "Cancel"));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        Assert.Equal(CapMessageType.Cancel, verdict.Alert.MsgType);
        Assert.Empty(verdict.Alert.Infos);
        Assert.Equal(
            [
                new CapReference("warning@example.gov.cn", "CN-TEST-0000", new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.FromHours(8))),
                new CapReference("other@example.org", "X.1", new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero)),
            ],
            verdict.Alert.References);
    }

    [Fact]
    public void Read_WhenReferenceIsNotATriple_RejectsAsSemanticallyInvalid()
    {
        var verdict = Read(Alert("<references>warning@example.gov.cn,CN-TEST-0000</references>", msgType: "Update"));

        Assert.Equal(CapVerdictKind.SemanticallyInvalid, verdict.Kind);
        Assert.Contains("'warning@example.gov.cn,CN-TEST-0000' is not 'sender,identifier,sent'", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenCertaintyVeryLikely_AcceptsAsLikelyAndSaysSo()
    {
        var verdict = Read(Alert(MinimalInfo.Replace("<certainty>Likely</certainty>", "<certainty>Very Likely</certainty>", StringComparison.Ordinal)));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        Assert.Equal(CapCertainty.Likely, Assert.Single(verdict.Alert.Infos).Certainty);
        Assert.Contains("'Very Likely'", Assert.Single(verdict.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenCertaintyMisspelt_RejectsAsSchemaInvalid()
    {
        var verdict = Read(Alert(MinimalInfo.Replace("<certainty>Likely</certainty>", "<certainty>Quite Likely</certainty>", StringComparison.Ordinal)));

        Assert.Equal(CapVerdictKind.SchemaInvalid, verdict.Kind);
        Assert.Contains("certainty", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenPolygonHasThreePoints_RejectsNamingTheArea()
    {
        var verdict = Read(Alert(InfoWithArea("<polygon>30.1,114.2 30.2,114.3 30.1,114.2</polygon>")));

        Assert.False(verdict.Accepted);
        Assert.Equal(CapVerdictKind.SemanticallyInvalid, verdict.Kind);
        var reason = Assert.Single(verdict.Reasons);
        Assert.Contains("info 1, area 1 ('Riverside subdistrict'): polygon 1 has 3 point(s)", reason, StringComparison.Ordinal);
        Assert.StartsWith("line 17:", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenPolygonNotClosed_Rejects()
    {
        var verdict = Read(Alert(InfoWithArea("<polygon>30.1,114.2 30.2,114.3 30.3,114.2 30.2,114.1</polygon>")));

        Assert.Equal(CapVerdictKind.SemanticallyInvalid, verdict.Kind);
        Assert.Contains("polygon 1 is not closed", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<polygon>30.1,114.2 30.2,194.3 30.3,114.2 30.1,114.2</polygon>", "polygon 1 point 2 '30.2,194.3' is out of range")]
    [InlineData("<polygon>30.1 114.2 30.2 114.3 30.3 114.2 30.1 114.2</polygon>", "polygon 1 point 1 '30.1' is not 'latitude,longitude'")]
    [InlineData("<circle>91,114.2 5</circle>", "circle 1 centre '91,114.2' is out of range")]
    [InlineData("<circle>30.1,114.2 -5</circle>", "circle 1 radius '-5' is not a number of kilometres")]
    [InlineData("<circle>30.1,114.2</circle>", "circle 1 is not 'latitude,longitude radius'")]
    [InlineData("<ceiling>3000</ceiling>", "a ceiling needs an altitude")]
    public void Read_WhenAreaGeometryBad_RejectsSayingWhat(string areaContent, string expected)
    {
        var verdict = Read(Alert(InfoWithArea(areaContent)));

        Assert.Equal(CapVerdictKind.SemanticallyInvalid, verdict.Kind);
        Assert.Contains(expected, Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenAreaHasCircleGeocodeAndAltitudes_MapsThem()
    {
        var verdict = Read(Alert(InfoWithArea("""
            <circle>30.25,114.5 12.5</circle>
            <geocode><valueName>GB/T 2260</valueName><value>420106</value></geocode>
            <altitude>100</altitude>
            <ceiling>3000.5</ceiling>
            """)));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        var area = Assert.Single(Assert.Single(verdict.Alert.Infos).Areas);
        Assert.Equal(new CapCircle(new GeoPoint(30.25, 114.5), 12.5), Assert.Single(area.Circles));
        Assert.Equal(new CapValuePair("GB/T 2260", "420106"), Assert.Single(area.Geocodes));
        Assert.Equal(100, area.Altitude);
        Assert.Equal(3000.5, area.Ceiling);
    }

    [Fact]
    public void Read_WhenSignatureElementPresent_AcceptsWithoutCheckingIt()
    {
        var verdict = Read(Alert(MinimalInfo + """
            <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Anything>not a real signature</Anything></SignedInfo></Signature>
            """));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
    }

    [Fact]
    public void Read_WhenRequiredElementMissing_RejectsWithLineNumber()
    {
        var verdict = Read(Alert(MinimalInfo.Replace("<event>Rainstorm</event>", "", StringComparison.Ordinal)));

        Assert.Equal(CapVerdictKind.SchemaInvalid, verdict.Kind);
        Assert.StartsWith("line 12, position", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenManySchemaErrors_ListsTheFirstAndCountsTheRest()
    {
        var infos = string.Concat(Enumerable.Repeat(MinimalInfo.Replace("Met", "Weather", StringComparison.Ordinal), 30));

        var verdict = Read(Alert(infos));

        Assert.Equal(CapVerdictKind.SchemaInvalid, verdict.Kind);
        Assert.Equal(CapReader.MaxReasons + 1, verdict.Reasons.Count);
        Assert.Equal("… and 10 more schema errors.", verdict.Reasons[^1]);
    }

    [Fact]
    public void Read_WhenDocumentTooLarge_RejectsAsTooLarge()
    {
        var description = new string('x', CapReader.MaxDocumentBytes);
        var bytes = Encoding.UTF8.GetBytes(Alert(MinimalInfo.Replace("</info>", $"<description>{description}</description></info>", StringComparison.Ordinal)));

        var fromBytes = CapReader.Read(bytes);
        var fromStream = CapReader.Read(new NonSeekableStream(bytes));

        Assert.Equal(CapVerdictKind.TooLarge, fromBytes.Kind);
        Assert.Equal(CapVerdictKind.TooLarge, fromStream.Kind);
        Assert.NotEmpty(fromStream.Reasons);
    }

    [Fact]
    public void Read_WhenStreamJustUnderLimit_ReadsIt()
    {
        var padding = new string('x', CapReader.MaxDocumentBytes - Encoding.UTF8.GetByteCount(Alert()) - 100);
        var bytes = Encoding.UTF8.GetBytes(Alert(MinimalInfo.Replace("</info>", $"<description>{padding}</description></info>", StringComparison.Ordinal)));

        var verdict = CapReader.Read(new NonSeekableStream(bytes));

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        Assert.Equal(padding.Length, verdict.Alert.Infos[0].Description!.Length);
    }

    [Fact]
    public void Read_WhenBillionLaughs_RejectsAsUnsafeQuickly()
    {
        var entities = new StringBuilder("<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            entities.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))}\">");
        }

        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE alert [{entities}]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>
            """;

        // Refused for its DTD before any entity is expanded (a billion laughs would take gigabytes).
        var verdict = Read(xml);

        Assert.Equal(CapVerdictKind.Unsafe, verdict.Kind);
        Assert.Contains("DTD", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenXxeAttack_RejectsWithoutOpeningAnything()
    {
        // The file names http://localhost:8080/...: if anything tried to fetch it, this listener would see the connection.
        TcpListener? listener = null;
        try
        {
            listener = new TcpListener(IPAddress.Loopback, 8080);
            listener.Start();
        }
        catch (SocketException)
        {
            listener = null; // port taken by someone else: the verdict is still checked
        }

        try
        {
            var verdict = CapReader.Read(CapCorpus.Bytes("alerts/invalid/google-xxe-attack.xml"));

            Assert.Equal(CapVerdictKind.Unsafe, verdict.Kind);
            Assert.Null(verdict.Alert);
            Assert.DoesNotContain(verdict.Reasons, r => r.Contains("root:", StringComparison.Ordinal));
            if (listener is not null)
            {
                Assert.False(listener.Pending(), "the reader connected to localhost:8080");
            }
        }
        finally
        {
            listener?.Stop();
        }
    }

    [Fact]
    public void Read_WhenUtf16WithDoctype_RejectsAsUnsafe()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE alert SYSTEM \"file:///etc/passwd\"><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>";

        var verdict = CapReader.Read([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(xml)]);

        Assert.Equal(CapVerdictKind.Unsafe, verdict.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</alert>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"x-no-such-encoding\"?><alert/>")]
    public void Read_WhenNotWellFormed_RejectsAsMalformed(string xml)
    {
        var verdict = Read(xml);

        Assert.Equal(CapVerdictKind.Malformed, verdict.Kind);
        Assert.NotEmpty(Assert.Single(verdict.Reasons));
    }

    [Fact]
    public void Read_WhenBytesAreNotInTheDeclaredEncoding_RejectsAsMalformed()
    {
        byte[] xml = [.. Encoding.UTF8.GetBytes(Alert()[..200]), 0xFF, 0xC3, .. Encoding.UTF8.GetBytes(Alert()[200..])];

        var verdict = CapReader.Read(xml);

        Assert.Equal(CapVerdictKind.Malformed, verdict.Kind);
        Assert.Contains("Line 5", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenStreamGiven_ReadsFromItsPositionAndLeavesItOpen()
    {
        var alert = Encoding.UTF8.GetBytes(Alert());
        using var stream = new MemoryStream([.. "garbage"u8, .. alert]) { Position = 7 };

        var verdict = CapReader.Read(stream);

        Assert.True(verdict.Accepted, string.Join(" | ", verdict.Reasons));
        Assert.Equal("CN-TEST-0001", verdict.Alert.Identifier);
        Assert.True(stream.CanRead);
    }

    [Theory]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", CapVerdictKind.NotCap, "http://www.w3.org/2005/Atom")]
    [InlineData("<info xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>", CapVerdictKind.NotCap, "'info'")]
    [InlineData("<alert/>", CapVerdictKind.WrongNamespace, "no namespace")]
    [InlineData("<alert xmlns=\"http://www.incident.com/cap/1.0\"/>", CapVerdictKind.OtherVersion, "CAP 1.0")]
    public void Read_WhenRootIsNotCap12Alert_SaysWhatItIs(string xml, CapVerdictKind kind, string mentioned)
    {
        var verdict = Read(xml);

        Assert.Equal(kind, verdict.Kind);
        Assert.Contains(mentioned, Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenManyThreadsShareTheSchema_GivesTheSameVerdicts()
    {
        var documents = new[]
        {
            Alert(),
            Alert(InfoWithArea("<polygon>30.1,114.2 30.2,114.3 30.1,114.2</polygon>")),
            Alert(MinimalInfo.Replace("Met", "Weather", StringComparison.Ordinal)),
        }.Select(Encoding.UTF8.GetBytes).ToArray();
        var expected = new[] { CapVerdictKind.Valid, CapVerdictKind.SemanticallyInvalid, CapVerdictKind.SchemaInvalid };

        var kinds = new CapVerdictKind[600];
        Parallel.For(0, kinds.Length, i => kinds[i] = CapReader.Read(documents[i % 3]).Kind);

        Assert.All(Enumerable.Range(0, kinds.Length), i => Assert.Equal(expected[i % 3], kinds[i]));
    }

    [Fact]
    public void CapPolygon_WhenParsingCoordinates_ReadsEachExactlyAsDoubleParse()
    {
        // The polygon reader has a fast path for short decimals; it must agree bit for bit with double.Parse.
        var random = new Random(20_261_130);
        var texts = new List<string> { "0", "-0.0", "90", "-90.000000", "+45.5", "1.", ".5", "89.999999999999999999", "12.3456789012345678901234" };
        for (var i = 0; i < 5_000; i++)
        {
            var digits = random.Next(0, 19);
            texts.Add((((random.NextDouble() * 180) - 90).ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));
        }

        var ring = string.Join(' ', texts.Select(t => $"{t},{t}").Append($"{texts[0]},{texts[0]}"));

        Assert.True(CapPolygon.TryParse(ring, out var polygon, out var problem), problem);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = double.Parse(texts[i], CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(polygon!.Points[i].Latitude));
        }
    }

    [Fact]
    public void CapPolygon_WhenConstructedOpen_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => new CapPolygon(
            [new GeoPoint(1, 1), new GeoPoint(1, 2), new GeoPoint(2, 2), new GeoPoint(2, 1)]));

        Assert.Equal("invalid-cap-polygon", ex.Code);
    }

    /// <summary>A stream that, like a request body, cannot tell its length.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
