using System.Net.Http.Json;
using System.Net;
using CrisisOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// The real server on Kestrel at a free 127.0.0.1 port, with a fresh SQLite database and the demo
/// city, plus Debian's Chromium driven by Playwright. Shared by the tests of one class.
/// </summary>
public class BrowserServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminPassword = "admin-password-for-browser-tests";
    public const string DemoPassword = "demo-password-for-browser-tests";
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly SqliteTestDatabase _database = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private IPlaywright? _playwright;

    public BrowserServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Settings on top of the common ones, for the test classes that need them (the road network for dispatch).</param>
    protected BrowserServer(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where screenshots go; CI prints this folder.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "browser-artifacts");

    private string? _unavailable;

    /// <summary>Skips the test on a machine without Chromium; fails it under CI=true.</summary>
    public void Require() => TestEnvironment.RequireServer("Chromium", _unavailable,
        "Install it with: apt-get install -y chromium fonts-wqy-microhei");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            _unavailable = $"{ChromiumPath} is missing";
            return;
        }

        Directory.CreateDirectory(ArtifactsDirectory);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves the static web assets (blazor.web.js) straight from the build output.
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "sqlite");
        builder.UseSetting("ConnectionStrings:CrisisOps", _database.ConnectionString);
        builder.UseSetting("Admin:InitialPassword", AdminPassword);
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:Password", DemoPassword);
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:PublicPerMinute", "100000");
        builder.UseSetting("RateLimits:PublicReadPerMinute", "100000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>An API client for the running server, signed in as <paramref name="user"/> with a bearer token (for setting up and checking).</summary>
    public async Task<HttpClient> ApiAsync(string user, string password)
    {
        Require();
        var api = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var response = await api.PostAsJsonAsync("api/v1/auth/tokens", new { userName = user, password, name = "browser" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    /// <summary>A fresh browser context (its own cookies) in the given language, signed in as the user.</summary>
    public async Task<IPage> SignInAsync(string user, string password, string locale = "en-US")
    {
        Require();
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("console");
        await page.GetByLabel(locale.StartsWith("zh", StringComparison.Ordinal) ? "用户名" : "User name").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.Locator("form[data-testid=signin-form] button[type=submit]").ClickAsync();
        // Signed in when the sign-in form has gone: the form lives at /console itself, so the address says nothing. Not
        // every subresource: on a loaded 2-core CI machine the map's scripts can take a while, and each test waits for
        // what it needs next anyway.
        await page.Locator("form[data-testid=signin-form]").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 60_000 });
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
