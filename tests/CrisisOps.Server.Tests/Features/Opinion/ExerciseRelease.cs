using System.Net;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>A release published in a flood drill (演练): what the answer loop and the rumour desk must not accept.</summary>
internal static class ExerciseRelease
{
    /// <summary>Opens an exercise event over the city, an incident under it, and publishes a release on it; returns its number.</summary>
    public static async Task<string> PublishAsync(CrisisOpsApp app, RegionWorld world)
    {
        var officer = await app.UserAsync(("duty-officer", world.City));
        var drafter = await app.UserAsync(("information-officer", world.City));
        var commander = await app.UserAsync(("commander", world.City));
        var drill = await (await officer.PostJsonAsync("/api/v1/events", new { name = "Flood drill 防汛演练", regionCode = world.City, isExercise = true }))
            .OkJsonAsync(HttpStatusCode.Created);
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Drill: subway flooded 演练：地铁进水", category = "natural-disaster", type = "waterlogging", severity = "II",
            location = new { lat, lon }, eventId = drill.GetProperty("id").GetString(),
        })).OkJsonAsync(HttpStatusCode.Created);
        using var form = new MultipartFormDataContent { { new StringContent("演练通报"), "titleZh" }, { new StringContent("演练：地铁站被困人员已转移。"), "textZh" } };
        var release = await (await drafter.PostAsync($"/api/v1/incidents/{incident.GetProperty("id").GetString()}/releases", form))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await commander.PostAsync($"/api/v1/releases/{release.GetProperty("id").GetString()}/publish", null)).OkJsonAsync();
        return release.GetProperty("number").GetString()!;
    }
}
