using System.Text;

namespace CrisisOps.Cli.Tests;

public sealed class SseReaderTests
{
    private static List<SseEvent> Parse(SseReader reader, params string[] chunks)
    {
        var events = new List<SseEvent>();
        foreach (var chunk in chunks)
        {
            reader.Feed(chunk, events);
        }

        return events;
    }

    private static List<SseEvent> Parse(params string[] chunks) => Parse(new SseReader(), chunks);

    [Fact]
    public void Feed_WhenDataSpansSeveralLines_JoinsThemWithLineFeed()
    {
        var events = Parse("data: first\ndata: second\ndata:third\n\n");

        var e = Assert.Single(events);
        Assert.Equal("first\nsecond\nthird", e.Data);
        Assert.Equal("message", e.Type);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Feed_WhenLinesEndWithLfCrLfOrCr_ParsesTheSameEvents(string eol)
    {
        var stream = string.Join(eol, "id: 7", "event: incident.reported", "data: {\"a\":1}", "data: x", "", "data: second", "", "");

        var events = Parse(stream);

        Assert.Equal(2, events.Count);
        Assert.Equal(new SseEvent("incident.reported", "{\"a\":1}\nx", "7"), events[0]);
        Assert.Equal(new SseEvent("message", "second", "7"), events[1]);
    }

    [Fact]
    public void Feed_WhenLineIsComment_IgnoresIt()
    {
        var events = Parse(": keepalive\n\n:another\ndata: real\n: in between\n\n");

        var e = Assert.Single(events);
        Assert.Equal("real", e.Data);
    }

    [Fact]
    public void Feed_WhenIdComesWithoutData_UpdatesLastEventIdWithoutDispatching()
    {
        var reader = new SseReader("3");

        var events = Parse(reader, "id: 9\n\n");

        Assert.Empty(events);
        Assert.Equal("9", reader.LastEventId);
    }

    [Fact]
    public void Feed_WhenIdArrivesButEventIsNotYetComplete_KeepsPreviousLastEventId()
    {
        var reader = new SseReader("3");

        Parse(reader, "id: 4\ndata: pending\n");

        Assert.Equal("3", reader.LastEventId);
    }

    [Fact]
    public void Feed_WhenEmptyIdIsSent_ResetsLastEventId()
    {
        var reader = new SseReader("3");

        var events = Parse(reader, "id\ndata: x\n\n");

        Assert.Equal("", reader.LastEventId);
        Assert.Equal("", Assert.Single(events).LastEventId);
    }

    [Fact]
    public void Feed_WhenIdContainsNull_IgnoresTheId()
    {
        var reader = new SseReader("3");

        Parse(reader, "id: 4\0\ndata: x\n\n");

        Assert.Equal("3", reader.LastEventId);
    }

    [Fact]
    public void Feed_WhenEventIsSplitAcrossChunks_ReassemblesIt()
    {
        var events = Parse("ev", "ent: ty", "pe\nda", "ta: hel", "lo\n", "\n");

        Assert.Equal(new SseEvent("type", "hello", ""), Assert.Single(events));
    }

    [Fact]
    public void Feed_WhenCrLfIsSplitBetweenChunks_CountsItAsOneLineEnd()
    {
        // CR at the end of one chunk and LF at the start of the next must not look like a blank line.
        var events = Parse("data: a\r", "\ndata: b\r", "\n\r\n");

        Assert.Equal("a\nb", Assert.Single(events).Data);
    }

    [Fact]
    public void Feed_WhenValueHasNoSpaceOrTwoSpaces_RemovesOnlyOneLeadingSpace()
    {
        var events = Parse("data:x\ndata:  y\ndata\n\n");

        Assert.Equal("x\n y\n", Assert.Single(events).Data);
    }

    [Fact]
    public void Feed_WhenEventTypeIsSetWithoutData_DoesNotLeakIntoNextEvent()
    {
        var events = Parse("event: ignored\n\ndata: x\n\n");

        Assert.Equal("message", Assert.Single(events).Type);
    }

    [Theory]
    [InlineData("retry: 2500", 2500)]
    [InlineData("retry:10", 10)]
    public void Feed_WhenRetryIsDigits_SetsReconnectionDelay(string line, int milliseconds)
    {
        var reader = new SseReader();

        Parse(reader, line + "\n\n");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), reader.ReconnectionDelay);
    }

    [Theory]
    [InlineData("retry: 1.5")]
    [InlineData("retry: -1")]
    [InlineData("retry: soon")]
    [InlineData("retry:")]
    public void Feed_WhenRetryIsNotDigits_IgnoresIt(string line)
    {
        var reader = new SseReader();

        Parse(reader, line + "\n\n");

        Assert.Null(reader.ReconnectionDelay);
    }

    [Fact]
    public void Feed_WhenFieldIsUnknown_IgnoresIt()
    {
        var events = Parse("foo: bar\ndata: x\n\n");

        Assert.Equal(new SseEvent("message", "x", ""), Assert.Single(events));
    }

    [Fact]
    public async Task ReadAsync_WhenStreamDeliversOneByteAtATime_DecodesMultiByteCharacters()
    {
        var bytes = Encoding.UTF8.GetBytes("id: 12\r\nevent: incident.reported\r\ndata: {\"title\":\"朝阳区 暴雨\"}\r\n\r\n");
        var reader = new SseReader();

        var events = await ReadAllAsync(reader, new TrickleStream(bytes, chunkSize: 1));

        Assert.Equal(new SseEvent("incident.reported", "{\"title\":\"朝阳区 暴雨\"}", "12"), Assert.Single(events));
    }

    [Fact]
    public async Task ReadAsync_WhenStreamEndsInTheMiddleOfAnEvent_DiscardsTheIncompleteEvent()
    {
        var bytes = Encoding.UTF8.GetBytes("id: 1\ndata: done\n\nid: 2\ndata: cut off");
        var reader = new SseReader();

        var events = await ReadAllAsync(reader, new TrickleStream(bytes, chunkSize: 5));

        Assert.Equal("done", Assert.Single(events).Data);
        Assert.Equal("1", reader.LastEventId);
    }

    [Fact]
    public async Task ReadAsync_WhenStreamStartsWithByteOrderMark_IgnoresIt()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("data: x\n\n")).ToArray();

        var events = await ReadAllAsync(new SseReader(), new TrickleStream(bytes, chunkSize: 2));

        Assert.Equal("x", Assert.Single(events).Data);
    }

    [Fact]
    public async Task ReadAsync_WhenStreamIsSilentLongerThanIdleTimeout_ThrowsTimeoutException()
    {
        var reader = new SseReader();

        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync(new SilentStream(), TimeSpan.FromMilliseconds(50), cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });
    }

    private static async Task<List<SseEvent>> ReadAllAsync(SseReader reader, Stream stream)
    {
        var events = new List<SseEvent>();
        await foreach (var e in reader.ReadAsync(stream, cancellationToken: TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Returns at most <c>chunkSize</c> bytes per read, as a slow network would.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunkSize) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunkSize)], cancellationToken);
    }

    /// <summary>A stream that never sends anything until cancelled.</summary>
    private sealed class SilentStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
