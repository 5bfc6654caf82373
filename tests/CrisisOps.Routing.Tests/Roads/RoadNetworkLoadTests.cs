using System.IO.Compression;
using System.Text;
using CrisisOps.Routing.Roads;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Roads;

public sealed class RoadNetworkLoadTests
{
    private static string Krems => RepositoryFiles.PathOf("src", "CrisisOps.Server", "Demo", "krems.osm.gz");

    [Fact]
    public void Load_KremsGzipXml_HasSaneCounts()
    {
        var network = RoadNetwork.Load(Krems);

        // The extract has ~600 drivable ways over a few square kilometres of town.
        Assert.InRange(network.Ways.Count, 400, 800);
        Assert.InRange(network.NodeCount, 1_000, 15_000);
        Assert.InRange(network.EdgeCount, network.NodeCount, 4 * network.NodeCount);
        Assert.All(network.Ways, w => Assert.True(network.Profile.IsDrivable(w.Highway), w.Highway));
        Assert.All(network.Ways, w => Assert.InRange(w.SpeedKmh, 5, 130));
        Assert.All(network.Ways, w => Assert.True(w.Geometry.Count >= 2));
        var first = network.Ways[0];
        Assert.Same(first, network.Way(first.Id));
        Assert.Null(network.Way(-42));
        Assert.Contains(network.Ways, w => w.OneWay);
    }

    [Fact]
    public void Load_BautzenPlainXml_Loads()
    {
        var network = RoadNetwork.Load(SharedData.Require("osm", "bautzen.osm"));

        Assert.True(network.NodeCount > 10);
        Assert.Contains(network.Ways, w => w.Highway == "motorway" && w.OneWay);
    }

    [Fact]
    public void Load_MonacoPbf_Loads()
    {
        var network = RoadNetwork.Load(SharedData.Require("osm", "monaco.osm.pbf"));

        Assert.True(network.NodeCount > 2_000, $"{network.NodeCount} nodes");
        Assert.True(network.EdgeCount > network.NodeCount);
        Assert.True(network.TurnRestrictions > 0, "Monaco maps turn restrictions");
    }

    [Fact]
    public void Load_StreamOfPbf_GivenAsXml_ThrowsRoadDataException()
    {
        using var stream = File.OpenRead(SharedData.Require("osm", "monaco.osm.pbf"));

        Assert.Throws<RoadDataException>(() => RoadNetwork.Load(stream, OsmFileFormat.Xml));
    }

    [Fact]
    public void Load_GzipStreamAsXml_DetectsGzip()
    {
        using var stream = File.OpenRead(Krems);

        var network = RoadNetwork.Load(stream, OsmFileFormat.Xml);

        Assert.Equal(RoadNetwork.Load(Krems).NodeCount, network.NodeCount);
    }

    public static TheoryData<string, byte[]> MalformedFiles()
    {
        var gzip = File.ReadAllBytes(Krems);
        return new()
        {
            { "garbage", [.. Enumerable.Range(0, 5000).Select(i => (byte)((i * 7919) % 251))] },
            { "empty", [] },
            { "truncated gzip", gzip[..(gzip.Length / 2)] },
            { "gzip of garbage", Gzip("this is not xml at all"u8.ToArray()) },
            { "xml that is not osm", Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><html><body><p>hello</p></body></html>") },
            { "broken xml", Encoding.UTF8.GetBytes("<osm version=\"0.6\"><node id=\"1\" lat=\"48\" lon=\"15\"><way id=") },
            { "osm without roads", Encoding.UTF8.GetBytes("<osm version=\"0.6\"><node id=\"1\" lat=\"48\" lon=\"15\"/></osm>") },
            { "node off the earth", Encoding.UTF8.GetBytes("<osm version=\"0.6\"><node id=\"1\" lat=\"148\" lon=\"15\"/></osm>") },
            { "pbf header then garbage", [0, 0, 0, 13, 0x0A, 9, .. "OSMHeader"u8, .. Enumerable.Repeat((byte)0xFF, 200)] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Load_MalformedFile_ThrowsRoadDataException(string kind, byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crisisops-roads-{Guid.NewGuid():N}.osm");
        File.WriteAllBytes(path, content);
        try
        {
            var e = Assert.Throws<RoadDataException>(() => RoadNetwork.Load(path));
            Assert.False(string.IsNullOrWhiteSpace(e.Message), kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsRoadDataException()
    {
        Assert.Throws<RoadDataException>(() => RoadNetwork.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.osm")));
    }

    [Fact]
    public void Load_OnlyAOneWayStub_ThrowsRoadDataException()
    {
        var map = new OsmBuilder()
            .Node(1, 48.000, 15.000).Node(2, 48.001, 15.000)
            .Way(10, [1, 2], ("highway", "residential"), ("oneway", "yes"));

        Assert.Throws<RoadDataException>(map.Load);
    }

    [Fact]
    public void Load_WhenTagsForbidCars_LeavesWaysOut()
    {
        var network = new OsmBuilder()
            .Node(1, 48.000, 15.000).Node(2, 48.001, 15.000).Node(3, 48.002, 15.000)
            .Way(10, [1, 2], ("highway", "residential"))
            .Way(11, [2, 3], ("highway", "residential"))
            .Way(12, [1, 3], ("highway", "footway"))
            .Way(13, [1, 3], ("highway", "track"))
            .Way(14, [1, 3], ("highway", "residential"), ("access", "private"))
            .Way(15, [1, 3], ("highway", "residential"), ("motor_vehicle", "no"))
            .Way(16, [1, 3], ("highway", "service"), ("access", "no"), ("motorcar", "yes"))
            .Way(17, [1, 3], ("highway", "cycleway"))
            .Load();

        Assert.Equal([10L, 11L, 16L], network.Ways.Select(w => w.Id).Order());
    }

    [Fact]
    public void Load_Speeds_FollowMaxspeedOrHighwayDefault()
    {
        var network = new OsmBuilder()
            .Node(1, 48.000, 15.000).Node(2, 48.001, 15.000)
            .Way(10, [1, 2], ("highway", "residential"))
            .Way(11, [1, 2], ("highway", "primary"), ("maxspeed", "30 mph"))
            .Way(12, [1, 2], ("highway", "primary"), ("maxspeed", "AT:urban"))
            .Way(13, [1, 2], ("highway", "motorway"), ("maxspeed", "none"))
            .Way(14, [1, 2], ("highway", "tertiary"), ("maxspeed", "signals"))
            .Way(15, [1, 2], ("highway", "secondary"), ("maxspeed", "80"), ("oneway", "-1"))
            .Load();

        Assert.Equal(RoadProfile.Car.Speeds["residential"], network.Way(10)!.SpeedKmh);
        Assert.Equal(30 * 1.609344, network.Way(11)!.SpeedKmh, 6);
        Assert.Equal(50, network.Way(12)!.SpeedKmh);
        Assert.Equal(RoadProfile.Car.Speeds["motorway"], network.Way(13)!.SpeedKmh);
        Assert.True(network.Way(13)!.OneWay, "motorways are one-way unless tagged otherwise");
        Assert.Equal(RoadProfile.Car.Speeds["tertiary"], network.Way(14)!.SpeedKmh);
        Assert.Equal(80, network.Way(15)!.SpeedKmh);
        Assert.True(network.Way(15)!.OneWay);
        Assert.False(network.Way(10)!.OneWay);
    }

    [Theory]
    [InlineData("50", 50.0)]
    [InlineData("50 km/h", 50.0)]
    [InlineData("20 mph", 32.18688)]
    [InlineData("AT:rural", 100.0)]
    [InlineData("DE:urban", 50.0)]
    [InlineData("DE:zone30", 30.0)]
    [InlineData("DE:zone:30", 30.0)]
    [InlineData("XX:rural", 90.0)]
    [InlineData("50;30", 30.0)]
    [InlineData("walk", 7.0)]
    public void MaxSpeedParse_KnownForms_GiveKmh(string value, double kmh)
    {
        Assert.Equal(kmh, MaxSpeed.Parse(value)!.Value, 6);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("signals")]
    [InlineData("variable")]
    [InlineData("-5")]
    [InlineData("XX:nowhere")]
    public void MaxSpeedParse_Unusable_GivesNull(string? value)
    {
        Assert.Null(MaxSpeed.Parse(value));
    }

    [Fact]
    public void MaxSpeedParse_None_IsUnlimited()
    {
        Assert.Equal(double.PositiveInfinity, MaxSpeed.Parse("none"));
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionMode.Compress))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
