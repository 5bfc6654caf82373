using System.Globalization;
using System.Security;
using System.Text.Json;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>CAP alerts made for a test world, and the reads the risk-source tests share.</summary>
internal static class RiskSources
{
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A CAP 1.2 alert sent at <paramref name="sent"/>, covering the given regions by geocode (a region
    /// code), or by <paramref name="polygon"/> when given.
    /// </summary>
    public static string Cap(string identifier, DateTimeOffset sent, string[] regions, string severity = "Extreme", string @event = "暴雨红色预警",
        string msgType = "Alert", string status = "Actual", TimeSpan? expiresIn = null, string? references = null, string? polygon = null,
        string sender = "warning@cma.example")
    {
        var area = polygon is not null
            ? $"<polygon>{polygon}</polygon>"
            : string.Concat(regions.Select(r => $"<geocode><valueName>region</valueName><value>{SecurityElement.Escape(r)}</value></geocode>"));
        var expires = Time(sent + (expiresIn ?? TimeSpan.FromHours(6)));
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>{identifier}</identifier>
              <sender>{sender}</sender>
              <sent>{Time(sent)}</sent>
              <status>{status}</status>
              <msgType>{msgType}</msgType>
              <scope>Public</scope>
              {(references is null ? "" : $"<references>{references}</references>")}
              <info>
                <language>zh-CN</language>
                <category>Met</category>
                <event>{@event}</event>
                <urgency>Immediate</urgency>
                <severity>{severity}</severity>
                <certainty>Likely</certainty>
                <expires>{expires}</expires>
                <headline>{@event} {identifier}</headline>
                <area>
                  <areaDesc>测试区域</areaDesc>
                  {area}
                </area>
              </info>
              <info>
                <language>en-US</language>
                <category>Met</category>
                <event>Rainstorm</event>
                <urgency>Immediate</urgency>
                <severity>{severity}</severity>
                <certainty>Likely</certainty>
                <expires>{expires}</expires>
                <headline>Rainstorm warning {identifier}</headline>
                <area>
                  <areaDesc>Test area</areaDesc>
                  {area}
                </area>
              </info>
            </alert>
            """;
    }

    /// <summary>A cancel without info block, as services send them.</summary>
    public static string Cancel(string identifier, DateTimeOffset sent, string references, string sender = "warning@cma.example") => $"""
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>{identifier}</identifier><sender>{sender}</sender><sent>{Time(sent)}</sent>
          <status>Actual</status><msgType>Cancel</msgType><scope>Public</scope><references>{references}</references>
        </alert>
        """;

    /// <summary>The reference by which another alert names this one.</summary>
    public static string Reference(string identifier, DateTimeOffset sent, string sender = "warning@cma.example") => $"{sender},{identifier},{Time(sent)}";

    /// <summary>A polygon around the north half of county A (community A1), as CAP writes it (lat,lon pairs).</summary>
    public static string NorthOfCountyA(RegionWorld world)
    {
        static string P(double lat, double lon) => string.Create(CultureInfo.InvariantCulture, $"{lat},{lon}");
        var (s, w) = (world.South + 0.45, world.West + 0.05);
        var (n, e) = (world.South + 0.75, world.West + 0.35);
        return $"{P(s, w)} {P(s, e)} {P(n, e)} {P(n, w)} {P(s, w)}";
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string cap) =>
        client.PostRawAsync("/api/v1/official-warnings", cap, "application/cap+xml");

    /// <summary>The tier of a hazard in a region, "none" when the region has no row for it.</summary>
    public static async Task<string> TierAsync(this HttpClient client, string region, string hazard) =>
        (await RiskAsync(client, region, hazard))?.GetProperty("tier").GetString() ?? "none";

    public static async Task<JsonElement?> RiskAsync(this HttpClient client, string region, string hazard)
    {
        foreach (var row in (await client.GetJsonAsync($"/api/v1/risk?region={region}&hazard={hazard}")).GetProperty("items").EnumerateArray())
        {
            if (row.GetProperty("regionCode").GetString() == region)
            {
                return row;
            }
        }

        return null;
    }

    /// <summary>Journal entries of a type filed under a region (as a caller who may read them sees them).</summary>
    public static async Task<List<JsonElement>> JournalAsync(this HttpClient client, string type, string? region = null) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?type={type}&limit=1000" + (region is null ? "" : $"&region={region}")))
            .GetProperty("items").EnumerateArray()];
}
