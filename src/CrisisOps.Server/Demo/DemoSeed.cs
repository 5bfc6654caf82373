using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Access;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Demo;

/// <summary>
/// <c>--demo</c>: loads the demo city (Krems an der Donau, fictitious divisions, OpenStreetMap
/// sites) through the same importer the API uses, and adds demo staff so a newcomer can try the
/// duty chain. Runs only on an empty region table, so it never touches real data.
/// </summary>
public static class DemoSeed
{
    public static string DemoFile => Path.Combine(AppContext.BaseDirectory, "Demo", "krems-demo.geojson");

    private static readonly (string User, string Name, Role Role, string Region, string? Department)[] Staff =
    [
        ("commander.krems", "Krems commander 指挥长", Role.Commander, "KRE", null),
        ("duty.krems", "Krems city duty officer 市值班员", Role.DutyOfficer, "KRE", null),
        ("duty.kre01", "District 01 duty officer 区值班员", Role.DutyOfficer, "KRE-01", null),
        ("duty.kre0101", "Subdistrict 01-01 duty officer 街道值班员", Role.DutyOfficer, "KRE-01-01", null),
        ("analyst.krems", "Risk analyst 分析员", Role.Analyst, "KRE", null),
        ("water.krems", "Water department liaison 水务联络员", Role.DepartmentLiaison, "KRE", "water"),
    ];

    private static readonly StationDefinition[] DemoStations =
    [
        new(new RegionCode("KRE-WL-STEIN"), "多瑙河施泰因水位站", "Danube gauge Stein", StationKind.WaterLevel, new GeoPoint(48.3985, 15.5950), "m",
            new ValidRange(0, 15), new TierThresholds(3.0, 4.5, 6.0, 7.5), IsDemo: true),
        new(new RegionCode("KRE-WL-KREMSFLUSS"), "克雷姆斯河水位站", "Krems river gauge", StationKind.WaterLevel, new GeoPoint(48.4150, 15.6200), "m",
            new ValidRange(0, 8), new TierThresholds(1.2, 1.8, 2.5, 3.2), IsDemo: true),
        new(new RegionCode("KRE-RG-ALTSTADT"), "老城雨量站", "Old town rain gauge", StationKind.Rainfall, new GeoPoint(48.4110, 15.6050), "mm/h",
            new ValidRange(0, 300), new TierThresholds(10, 20, 35, 50), IsDemo: true),
    ];

    public static async Task SeedAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var configured = app.Configuration["Demo:Password"];
        if (configured is { Length: > 0 and < AccessEndpoints.MinPasswordLength })
        {
            throw new InvalidOperationException($"Demo:Password must have at least {AccessEndpoints.MinPasswordLength} characters.");
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
        if (await db.Regions.AnyAsync())
        {
            Console.WriteLine("Demo: regions already present; the demo city is not loaded again.");
            return;
        }

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(DemoFile));
        var importer = scope.ServiceProvider.GetRequiredService<RegionImporter>();
        var result = await importer.ImportAsync(document.RootElement, "demo-seed", dryRun: false, _ => true, CancellationToken.None);
        Console.WriteLine($"Demo: loaded {result.Regions} regions and {result.Sites} sites of Krems an der Donau (demo data; © OpenStreetMap contributors).");

        var hasher = scope.ServiceProvider.GetRequiredService<PasswordHasher<User>>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var password = string.IsNullOrEmpty(configured) ? TokenSecrets.NewPassword() : configured;
        var now = clock.GetUtcNow();
        var regions = await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Path);
        foreach (var (userName, name, role, region, department) in Staff)
        {
            if (!regions.TryGetValue(region, out var path) || await db.Users.AnyAsync(u => u.UserName == userName))
            {
                continue;
            }

            var user = new User(Guid.CreateVersion7(now), userName, name, "", now);
            user.ChangePasswordHash(hasher.HashPassword(user, password));
            db.Users.Add(user);
            db.RoleGrants.Add(new RoleGrant(Guid.CreateVersion7(now), user.Id, role, region, path, department, now));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.UserCreated, null, null, null, new { user = userName }));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.RoleGranted, region, path, null,
                new { user = userName, role = role.Name(), region, department }));
        }

        // A few monitoring stations, so the map shows the risk network (no readings yet: send some with POST /api/v1/readings).
        var snapshot = await scope.ServiceProvider.GetRequiredService<RegionDirectory>().GetAsync();
        foreach (var station in DemoStations)
        {
            if (snapshot.Locate(station.Location) is { } home && !await db.Stations.AnyAsync(s => s.Code == station.Code.Value))
            {
                db.Stations.Add(new Station(station, home.Code, home.Path, now));
            }
        }

        await db.SaveChangesAsync();
        Console.WriteLine($"Demo staff (password for all: {password}): " + string.Join(", ", Staff.Select(s => $"{s.User} ({s.Role.Name()} @ {s.Region})")));
    }
}
