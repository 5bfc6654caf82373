using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.People;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Access;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Features.Resources;
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

    /// <summary>The demo city's roads (OpenStreetMap extract, ODbL; see Demo/README.md): <c>Routing:OsmFile</c> under <c>--demo</c>.</summary>
    public static string OsmFile => Path.Combine(AppContext.BaseDirectory, "Demo", "krems.osm.gz");

    private static readonly (string User, string Name, Role Role, string Region, string? Department, string? Organisation)[] Staff =
    [
        ("commander.krems", "Krems commander 指挥长", Role.Commander, "KRE", null, null),
        ("duty.krems", "Krems city duty officer 市值班员", Role.DutyOfficer, "KRE", null, null),
        ("duty.kre01", "District 01 duty officer 区值班员", Role.DutyOfficer, "KRE-01", null, null),
        ("duty.kre0101", "Subdistrict 01-01 duty officer 街道值班员", Role.DutyOfficer, "KRE-01-01", null, null),
        ("analyst.krems", "Risk analyst 分析员", Role.Analyst, "KRE", null, null),
        ("water.krems", "Water department liaison 水务联络员", Role.DepartmentLiaison, "KRE", "water", null),
        ("health.krems", "Health department liaison 卫健联络员", Role.DepartmentLiaison, "KRE", "health", null),
        ("transport.krems", "Transport department liaison 交通联络员", Role.DepartmentLiaison, "KRE", "transport", null),
        ("logistics.krems", "Logistics officer 物资保障员", Role.LogisticsOfficer, "KRE", null, null),
        ("community.altstadt", "Altstadt Southeast information officer 社区应急信息员", Role.CommunityOfficer, "KRE-01-01-003", null, null),
        ("ngo.krems", "Red Cross volunteer 红十字会志愿者", Role.PartnerMember, "KRE", null, "krems-red-cross"),
        ("pharmacy.krems", "Pharmacy duty manager 药房值班经理", Role.PartnerMember, "KRE", null, "krems-pharmacy"),
    ];

    private static readonly (string Code, string Name, OrganisationKind Kind, string Contact)[] Partners =
    [
        ("krems-red-cross", "红十字会克雷姆斯分会 Red Cross Krems", OrganisationKind.Ngo, "duty desk +43 2732 0000"),
        ("krems-pharmacy", "多瑙药房连锁 Danube Pharmacy chain", OrganisationKind.Enterprise, "duty desk +43 2732 1111"),
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
        foreach (var (code, name, kind, contact) in Partners)
        {
            if (!await db.Organisations.AnyAsync(o => o.Code == code))
            {
                db.Organisations.Add(new Organisation(Guid.CreateVersion7(now), code, name, kind, "KRE", regions["KRE"], contact, now, "demo-seed"));
            }
        }

        foreach (var (userName, name, role, region, department, organisation) in Staff)
        {
            if (!regions.TryGetValue(region, out var path) || await db.Users.AnyAsync(u => u.UserName == userName))
            {
                continue;
            }

            var user = new User(Guid.CreateVersion7(now), userName, name, "", now);
            user.ChangePasswordHash(hasher.HashPassword(user, password));
            db.Users.Add(user);
            db.RoleGrants.Add(new RoleGrant(Guid.CreateVersion7(now), user.Id, role, region, path, department, now, organisation));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.UserCreated, null, null, null, new { user = userName }));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.RoleGranted, region, path, null,
                new { user = userName, role = role.Name(), region, department, organisation }));
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
        await SeedPoolAsync(scope.ServiceProvider, db, regions, now);
        await SeedFleetAsync(scope.ServiceProvider, db, regions, now);
        await SeedResidentsAsync(db, now);
        await SeedInformationAsync(scope.ServiceProvider, db, regions, hasher, password, now);
        await SeedOpinionAsync(scope.ServiceProvider, regions, now);
        Console.WriteLine($"Demo staff (password for all: {password}): " + string.Join(", ", Staff.Select(s => $"{s.User} ({s.Role.Name()} @ {s.Region})")));
    }

    /// <summary>
    /// A city depot with food parcels and masks, and the pharmacy chain's agreement to hold masks and
    /// medicine for the city: enough to publish a need, match it and activate the agreement at once.
    /// </summary>
    private static async Task SeedPoolAsync(IServiceProvider services, CrisisOpsDbContext db, Dictionary<string, string> regions, DateTimeOffset now)
    {
        const string depot = "kre-depot-01";
        if (await db.Warehouses.AnyAsync(w => w.Code == depot) || !regions.TryGetValue("KRE-01-01", out var subdistrict))
        {
            return;
        }

        var warehouse = new Warehouse(Guid.CreateVersion7(now), depot, "克雷姆斯应急物资储备库 Krems emergency depot",
            new Placement("KRE-01-01", subdistrict, new GeoPoint(48.4090, 15.6120)), "克雷姆斯应急管理局 Krems emergency office", now, "demo-seed");
        db.Warehouses.Add(warehouse);
        var today = StockKeeper.Today(now);
        var agreement = new PartnerAgreement(Guid.CreateVersion7(now), "krems-pharmacy", "口罩药品储备协议 Masks and medicine held for the city",
            [(new AgreementLineDefinition("masks", 50_000, null), true), (new AgreementLineDefinition("medicine-kit", 2_000, null), true)],
            120, "多瑙药房值班台 duty desk +43 2732 1111", today.AddDays(-30), today.AddYears(2), "KRE", regions["KRE"], now, "demo-seed");
        db.PartnerAgreements.Add(agreement);
        await db.SaveChangesAsync();

        var keeper = services.GetRequiredService<StockKeeper>();
        await keeper.ReceiveAsync(db, warehouse.Id, "food-parcel", 2_000, today.AddMonths(6), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await keeper.ReceiveAsync(db, warehouse.Id, "masks", 4_000, today.AddYears(2), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Dispatch (issue 7): a second depot west of the old town with food, water and medicine, and ten vehicles over the
    /// two depots — six vans and four lorries, crewed 06:00–22:00 UTC — so a delivery plan has a fleet to route.
    /// </summary>
    private static async Task SeedFleetAsync(IServiceProvider services, CrisisOpsDbContext db, Dictionary<string, string> regions, DateTimeOffset now)
    {
        if (await db.Vehicles.AnyAsync() || !regions.TryGetValue("KRE-02-01", out var stein))
        {
            return;
        }

        var first = await db.Warehouses.SingleOrDefaultAsync(w => w.Code == "kre-depot-01");
        if (first is null)
        {
            return;
        }

        var second = new Warehouse(Guid.CreateVersion7(now), "kre-depot-02", "施泰因物资配送站 Stein supply point",
            new Placement("KRE-02-01", stein, new GeoPoint(48.4040, 15.5880)), "克雷姆斯应急管理局 Krems emergency office", now, "demo-seed");
        db.Warehouses.Add(second);
        await db.SaveChangesAsync();
        var keeper = services.GetRequiredService<StockKeeper>();
        var today = StockKeeper.Today(now);
        await keeper.ReceiveAsync(db, second.Id, "food-parcel", 1_500, today.AddMonths(6), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await keeper.ReceiveAsync(db, second.Id, "drinking-water", 5_000, today.AddMonths(12), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await keeper.ReceiveAsync(db, second.Id, "medicine-kit", 300, today.AddYears(1), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await keeper.ReceiveAsync(db, first.Id, "drinking-water", 5_000, today.AddMonths(12), null, "demo stock", "demo-seed", now, CancellationToken.None);
        await keeper.ReceiveAsync(db, first.Id, "medicine-kit", 300, today.AddYears(1), null, "demo stock", "demo-seed", now, CancellationToken.None);
        var shiftStart = new TimeOnly(6, 0);
        var shiftEnd = new TimeOnly(22, 0);
        for (var i = 1; i <= 10; i++)
        {
            var lorry = i % 5 == 0 || i % 5 == 4;
            var home = i <= 5 ? first : second;
            var definition = new VehicleDefinition(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"kre-{(lorry ? "lorry" : "van")}-{i:00}"),
                lorry ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i:00}号厢式货车 Lorry {i:00}")
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i:00}号面包车 Van {i:00}"),
                lorry ? 3_500 : 1_200, lorry ? 18 : 8, lorry ? 0.85 : 1.0, shiftStart, shiftEnd);
            var vehicle = new Vehicle(Guid.CreateVersion7(now), definition, home, now, "demo-seed");
            db.Vehicles.Add(vehicle);
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.VehicleAdded, vehicle.RegionCode, vehicle.RegionPath, null,
                new { vehicle.Code, vehicle.WarehouseCode }));
        }

        await db.SaveChangesAsync();
    }

    // ---- People (公民应急数字画像): synthetic residents of the demo city ------------------------------------------------

    /// <summary>Residents per community of the demo city: enough for segment counts and coverage to show something.</summary>
    public const int DemoResidentsPerCommunity = 10;

    /// <summary>
    /// Synthetic residents (<see cref="SyntheticResidents"/>, references SYN-…) spread over the demo city's communities around
    /// each community's centre. Seeded once: a register that already holds synthetic residents is left as it is.
    /// </summary>
    private static async Task SeedResidentsAsync(CrisisOpsDbContext db, DateTimeOffset now)
    {
        if (await db.Residents.AnyAsync(r => r.Reference.StartsWith("SYN-")))
        {
            return;
        }

        var communities = (await db.Regions.AsNoTracking().Where(r => r.Level == RegionLevel.Community && r.BoundaryGeoJson != null)
                .OrderBy(r => r.Code).ToListAsync())
            .Select(r => (Region: r, Centre: GeoJson.ReadGeometry(r.BoundaryGeoJson!).InteriorPoint))
            .Select(c => new SyntheticCommunity(c.Region.Code, c.Region.Path, c.Centre.Y, c.Centre.X))
            .ToList();
        if (communities.Count == 0)
        {
            return;
        }

        var residents = SyntheticResidents.Generate(communities, communities.Count * DemoResidentsPerCommunity, seed: 6, now).ToList();
        db.Residents.AddRange(residents);
        foreach (var community in residents.GroupBy(r => (r.HomeRegionCode, r.HomeRegionPath)))
        {
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.ResidentsImported, community.Key.HomeRegionCode, community.Key.HomeRegionPath, null,
                new { created = community.Count(), updated = 0 }));
        }

        await db.SaveChangesAsync();
        Console.WriteLine($"Demo: {residents.Count} synthetic residents in {communities.Count} communities (references SYN-…).");
    }

    // ---------------------------------------------------------------------------------------------
    // Information (issue 6): an information officer and a hotline operator, the hotline's answer base
    // and a few questions from the public web form, so the hotline desk and its chart show something.
    // ---------------------------------------------------------------------------------------------

    private static readonly (string User, string Name, Role Role)[] InformationStaff =
    [
        ("info.krems", "Krems information officer 信息发布员", Role.InformationOfficer),
        ("hotline.krems", "Krems hotline operator 热线接线员", Role.HotlineOperator),
    ];

    private static readonly (string Topic, string Title, string Text)[] DemoAnswers =
    [
        ("shelter", "避难场所 Shelters open",
            "克雷姆斯中学体育馆与施泰因社区中心已开放避险，请携带身份证件与常用药品。Krems school gym and Stein community centre are open; bring ID and your medicines."),
        ("traffic", "道路封闭 Road closures",
            "多瑙河沿岸道路与地下通道暂停通行，请绕行B3公路。Danube riverside roads and underpasses are closed; use the B3."),
        ("utilities", "停水停电 Water and power",
            "停电请拨打电力抢修热线；饮用水请到社区发放点领取。For outages call the power company's line; drinking water is handed out at community points."),
    ];

    private static readonly (string Topic, string Region, string Text)[] DemoQuestions =
    [
        ("shelter", "KRE-02-01", "最近的避难场所在哪里？可以带宠物吗？"),
        ("traffic", "KRE-02-02", "Is the Danube bridge still open for cars?"),
        ("utilities", "KRE-02-01", "我们小区停水了，什么时候恢复？"),
    ];

    private static async Task SeedInformationAsync(IServiceProvider services, CrisisOpsDbContext db, Dictionary<string, string> regions,
        PasswordHasher<User> hasher, string password, DateTimeOffset now)
    {
        if (await db.HotlineAnswers.AnyAsync() || !regions.TryGetValue("KRE", out var city))
        {
            return;
        }

        foreach (var (userName, name, role) in InformationStaff)
        {
            if (await db.Users.AnyAsync(u => u.UserName == userName))
            {
                continue;
            }

            var user = new User(Guid.CreateVersion7(now), userName, name, "", now);
            user.ChangePasswordHash(hasher.HashPassword(user, password));
            db.Users.Add(user);
            db.RoleGrants.Add(new RoleGrant(Guid.CreateVersion7(now), user.Id, role, "KRE", city, null, now, null));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.UserCreated, null, null, null, new { user = userName }));
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.RoleGranted, "KRE", city, null,
                new { user = userName, role = role.Name(), region = "KRE", department = (string?)null, organisation = (string?)null }));
        }

        foreach (var (topic, title, text) in DemoAnswers)
        {
            var entry = new Domain.Information.HotlineAnswer(Guid.CreateVersion7(now), "KRE", city, topic, title, text, now, "demo-seed");
            db.HotlineAnswers.Add(entry);
            db.Append(new JournalRecord(now, "demo-seed", JournalTypes.AnswerSaved, "KRE", city, null,
                new { answerId = entry.Id, entry.Topic, entry.Title, created = true }, false));
        }

        await db.SaveChangesAsync();

        // Questions as the public form takes them (anonymous, no contact), each with its answer deadline.
        var desk = services.GetRequiredService<Features.Information.HotlineDesk>();
        foreach (var (topic, region, text) in DemoQuestions.Where(q => regions.ContainsKey(q.Region)))
        {
            await desk.TakeAsync(db, new Features.Information.NewTicket(Domain.Information.TicketSource.Web, null, null, topic, null, region, null, null, text),
                null, CancellationToken.None);
        }

        Console.WriteLine("Demo information staff: " + string.Join(", ", InformationStaff.Select(s => $"{s.User} ({s.Role.Name()} @ KRE)"))
            + $"; {DemoAnswers.Length} answer base entries and {DemoQuestions.Length} hotline questions.");
    }

    /// <summary>
    /// Six hours of a generated rainstorm stream over the demo communities (our own phrases, zh and en, reposts among them),
    /// with the subway burst in the last hour: the opinion page opens on labelled topics, one of them hot and owing an answer.
    /// </summary>
    private static async Task SeedOpinionAsync(IServiceProvider services, Dictionary<string, string> regions, DateTimeOffset now)
    {
        var communities = regions.Keys.Where(c => c.Count(ch => ch == '-') == 3).Order(StringComparer.Ordinal).ToList();
        if (communities.Count == 0 || !regions.TryGetValue("KRE", out var city))
        {
            return;
        }

        var stream = CrisisOps.Text.Synthetic.CrisisPostGenerator.Generate(new CrisisOps.Text.Synthetic.CrisisStreamOptions
        {
            Start = now - TimeSpan.FromHours(6),
            Hours = 6,
            PostsPerHour = 150,
            Regions = communities,
            BurstHour = 5,
        }).Where(p => p.At <= now).ToList();
        var monitor = new CallerAccess(null, "demo-seed", [new Grant(Role.Analyst, "KRE", city, null)]);
        var ingest = services.GetRequiredService<Features.Opinion.Posts.PostIngest>();
        var stored = 0;
        foreach (var batch in stream.Chunk(Features.Opinion.Posts.PostEndpoints.MaxBatch))
        {
            var result = await ingest.IngestAsync([.. batch.Select(p => new Domain.Opinion.IncomingPost("demo-generator", p.Id, "social", null, p.At,
                p.Text, p.Language, null, null, p.Region))], monitor, CancellationToken.None);
            stored += result.Stored;
        }

        var round = await services.GetRequiredService<Features.Opinion.OpinionWorker>().RunOnceAsync(CancellationToken.None);
        Console.WriteLine($"Demo opinion: {stored} generated posts of the last six hours, {round.NewTopics} topics, {round.Spikes} hot (see /console/opinion).");
    }
}
