using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Demo;
using CrisisOps.Server.Features.Access;
using CrisisOps.Server.Features.Alerts;
using CrisisOps.Server.Features.Alerts.Delivery;
using CrisisOps.Server.Features.Command;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Features.Dispatch;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Needs;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Features.Resources;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace CrisisOps.Server.Platform;

/// <summary>Composition of the server: services, then the request pipeline, then the endpoints.</summary>
public static class ServerSetup
{
    public static WebApplicationBuilder AddCrisisOpsServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        if (configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        // `dotnet run` outside Development must still serve the framework's and packages' static files
        // (blazor.web.js) from the build output; after `dotnet publish` they are in wwwroot and this is a no-op.
        builder.WebHost.UseStaticWebAssets();

        // Official warnings and office spreadsheets arrive in GB2312/GBK or windows-125x too, not only UTF-8.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

        // The system clock is named here and nowhere else; tests replace it with FakeTimeProvider.
        services.AddSingleton(TimeProvider.System);

        services.AddCrisisOpsStorage(configuration);
        services.AddHttpContextAccessor();

        // Keys in the database: a cookie issued by one replica is read by all of them.
        services.AddDataProtection().SetApplicationName("CrisisOps").PersistKeysToDbContext<Data.CrisisOpsDbContext>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = StableProblemTypes);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddOpenApi();
        services.AddCrisisOpsRateLimits(configuration);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        services.AddAuthentication(AuthSchemes.Smart)
            .AddPolicyScheme(AuthSchemes.Smart, "Cookie or bearer token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? AuthSchemes.Bearer
                    : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, o =>
            {
                o.Cookie.Name = "crisisops";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);

                // The API answers 401/403; console pages send people to the sign-in page.
                o.LoginPath = "/signin";
                o.Events.OnRedirectToLogin = c =>
                {
                    if (IsApi(c.Request))
                    {
                        c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                    else
                    {
                        c.Response.Redirect(c.RedirectUri);
                    }

                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(AuthSchemes.Bearer, null);
        services.AddAuthorizationBuilder()
            .AddPermissionPolicies()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddScoped<CallerAccessor>();
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<PasswordHasher<User>>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddLocalization();
        services.AddSingleton<RegionDirectory>();
        services.AddScoped<RegionImporter>();
        services.AddScoped<IncidentService>();
        services.AddSingleton<ReadingIngest>();
        services.AddSingleton<RiskRulesProvider>();
        services.AddSingleton<RiskEvaluator>();
        services.AddScoped<ForecastService>();
        services.AddSingleton<RiskTrendCache>();
        services.AddSingleton<PlanActivator>();
        services.AddScoped<TierDecisions>();
        services.AddScoped<PlanSteps>();
        services.AddSingleton<CapAreaMapper>();
        services.AddSingleton<OfficialWarningStore>();
        services.AddSingleton<WarningFeedPoller>();
        services.AddSingleton<GovernmentRecordImport>();
        // People (公民应急数字画像): the residents' register.
        services.AddSingleton<CrisisOps.Server.Features.People.PhoneNumberRules>();
        services.AddSingleton<CrisisOps.Server.Features.People.ResidentRules>();
        services.AddSingleton<CrisisOps.Server.Features.People.ResidentImport>();
        services.AddSingleton<CrisisOps.Server.Features.People.ResidentRegister>();
        services.AddSingleton<CrisisOps.Server.Features.People.ResidentExport>();
        services.AddSingleton<OpinionCountIngest>();
        services.AddHttpClient(WarningFeedPoller.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<RiskQueue>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<JournalNotifier>();
        services.AddSingleton<DeadlineRunner>();
        services.AddSingleton<IDeadlineMissHandler, FirstReportMissed>();
        services.AddSingleton<NeedBoard>();
        services.AddSingleton<IDeadlineMissHandler, ClaimDeliveryMissed>();
        services.AddSingleton<AgreementActivator>();
        services.AddSingleton<NeedProposals>();
        services.AddSingleton<IClaimSettlement, StockAllocationSettlement>();
        services.AddSingleton<CommandSettings>();
        services.AddSingleton<HqTemplateCatalog>();
        services.AddSingleton<HeadquartersFormationDuty>();
        services.AddSingleton<OrderDesk>();
        services.AddScoped<HeadquartersService>();
        services.AddSingleton<IDeadlineMissHandler, OrderAcknowledgementMissed>();
        services.AddSingleton<IDeadlineMissHandler, OrderCompletionMissed>();
        services.AddSingleton<Features.Information.InformationSettings>();
        services.AddSingleton<Features.Opinion.OpinionSettings>();
        services.AddSingleton<Features.Opinion.Answers.TopicAnswers>();
        services.AddSingleton<IDeadlineMissHandler, Features.Opinion.Answers.TopicAnswerMissed>();
        services.AddSingleton(sp => sp.GetRequiredService<Features.Opinion.OpinionSettings>().Analyser);
        services.AddSingleton<Features.Opinion.OpinionWorkerSignal>();
        services.AddSingleton<Features.Opinion.OpinionWorker>();
        services.AddSingleton<Features.Opinion.Posts.PostIngest>();
        services.AddScoped<Features.Opinion.Rumours.RumourDesk>();
        if (configuration.GetValue("Opinion:RunInBackground", true))
        {
            services.AddHostedService<Features.Opinion.OpinionWorkerService>();
        }

        services.AddSingleton<Features.Information.InformationCatalog>();
        services.AddSingleton<Features.Information.ReleaseDuty>();
        services.AddSingleton<Features.Information.ReleaseDesk>();
        services.AddSingleton<Features.Information.HotlineDesk>();
        services.AddSingleton<Features.Information.WebTicketLimiter>();
        services.AddSingleton<IDeadlineMissHandler, Features.Information.ReleaseDueMissed>();
        services.AddSingleton<IDeadlineMissHandler, Features.Information.HotlineTicketMissed>();
        services.AddSingleton<CrisisOpsMetrics>();
        services.AddSingleton<UnitOfWork>();
        services.AddSingleton(sp => Features.Alerts.Delivery.DeliverySettings.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Features.Alerts.Delivery.ChannelRulesProvider>();
        services.AddSingleton<Features.Alerts.Delivery.DeliverySignal>();
        services.AddSingleton<Features.Alerts.IAlertFanOut, Features.Alerts.Delivery.DeliveryFanOut>();
        services.AddSingleton<Features.Alerts.Delivery.FanOutExpander>();
        services.AddSingleton<Features.Alerts.Delivery.DeliverySender>();
        services.AddSingleton<Features.Alerts.Delivery.DeliveryEngine>();
        services.AddSingleton<Features.Alerts.Delivery.CoverageQuery>();
        services.AddSingleton<Features.Alerts.Delivery.Escalator>();
        services.AddSingleton<IDeadlineMissHandler, Features.Alerts.Delivery.DeliveryEscalationMissed>();
        services.AddSingleton<Features.Alerts.Delivery.Gateways.GatewayRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Alerts.Delivery.Gateways.GatewayRegistry>());
        if (configuration.GetValue("Delivery:RunInBackground", true))
        {
            services.AddHostedService<Features.Alerts.Delivery.DeliveryWorker>();
        }

        // Sunshine ledger (阳光台账, issue 8): settings and key, the in-memory tree, the integrator and its worker.
        Features.Ledger.LedgerStartup.AddLedger(services, configuration);
        services.AddSingleton<StockKeeper>();
        services.AddSingleton<Features.Ledger.Sources.PseudonymKeyProvider>();
        services.AddSingleton<Features.Ledger.Sources.DonationDesk>();
        services.AddSingleton<Features.Ledger.Sources.CompensationDesk>();
        services.AddSingleton(sp => ArrivalSettingsBinding.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ArrivalEstimator>();
        services.AddSingleton<RoadNetworkHost>();
        services.AddHostedService(sp => sp.GetRequiredService<RoadNetworkHost>());
        services.AddSingleton<TravelTimes>();
        services.AddSingleton<DispatchSettings>();
        services.AddSingleton<RoadClosureDesk>();
        services.AddSingleton<ClosureRuleBook>();
        services.AddSingleton<ITierChangeReaction, ClosureRuleReaction>();
        services.AddSingleton<DeliveryPlanner>();
        services.AddSingleton<DispatchViews>();
        services.AddSingleton<Features.Alerts.AlertSettings>();
        services.AddScoped<Features.Alerts.AlertDesk>();
        if (configuration.GetValue("Deadlines:RunInBackground", true))
        {
            services.AddHostedService<DeadlineWorker>();
        }

        if (configuration.GetValue("Risk:AssessInBackground", true))
        {
            services.AddHostedService<RiskAssessmentWorker>();
        }

        if (configuration.GetValue("Risk:SweepInBackground", true))
        {
            services.AddHostedService<RiskSweep>();
        }

        services.AddHostedService<WarningFeedWorker>();

        var otel = services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(CrisisOpsMetrics.MeterName)
            .AddAspNetCoreInstrumentation());
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal);

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Severity is written as the law writes it: I, II, III, IV.
        options.Converters.Add(new JsonStringEnumConverter<IncidentSeverity>(allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    public static async Task<WebApplication> UseCrisisOpsServerAsync(this WebApplication app, bool demo)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Data files that must hold before anything runs: a bad one stops the start, naming the field.
        app.Services.GetRequiredService<ClosureRuleBook>();
        app.Services.GetRequiredService<Features.Opinion.OpinionSettings>(); // and the sentiment model file, when one is configured
        await app.InitializeDatabaseAsync();
        await app.EnsureAdminAsync();
        await app.EnsureDefaultPlansAsync();
        await app.EnsureDefaultItemsAsync();
        await Features.Ledger.LedgerStartup.StartLedgerAsync(app);
        if (demo)
        {
            await DemoSeed.SeedAsync(app);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (app.Configuration.GetValue("Proxy:ForwardedHeaders", false))
        {
            // Behind a reverse proxy: rate limits and logs must see the client's address, not the proxy's.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            foreach (var proxy in (app.Configuration["Proxy:KnownProxies"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseRequestLocalization(Localization.Options());
        app.UseCultureCookie();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapGet("/", () => TypedResults.Redirect("/console")).AllowAnonymous().ExcludeFromDescription();
        app.MapStaticAssets().AllowAnonymous();
        app.MapConsoleAccountEndpoints();

        // Console pages need a signed-in user (each page then asks for its own permission); the public
        // site's pages say [AllowAnonymous] themselves.
        app.MapRazorComponents<Components.App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(PermissionPolicies.SignedIn);

        app.MapAccessEndpoints();
        app.MapOrganisationEndpoints();
        app.MapRegionEndpoints();
        app.MapIncidentEndpoints();
        app.MapDeadlineEndpoints();
        app.MapJournalEndpoints();
        app.MapStationEndpoints();
        app.MapRiskEndpoints();
        app.MapForecastEndpoints();
        app.MapCapEndpoints();
        app.MapPlanEndpoints();
        app.MapPlanActivationEndpoints();
        app.MapTierDecisionEndpoints();
        app.MapOfficialWarningEndpoints();
        app.MapRecordEndpoints();
        CrisisOps.Server.Features.People.ResidentEndpoints.MapResidentEndpoints(app);
        app.MapOpinionEndpoints();
        Features.Opinion.Answers.TopicEndpoints.MapTopicEndpoints(app);
        Features.Opinion.Posts.PostEndpoints.MapPostEndpoints(app);
        Features.Opinion.Rumours.RumourEndpoints.MapRumourEndpoints(app);
        app.MapItemEndpoints();
        app.MapStockEndpoints();
        app.MapPoolEndpoints();
        app.MapAgreementEndpoints();
        app.MapArrivalEndpoints();
        app.MapNeedEndpoints();
        app.MapAgreementActivationEndpoints();
        app.MapProposalEndpoints();
        app.MapVehicleEndpoints();
        app.MapRoadEndpoints();
        app.MapDeliveryPlanEndpoints();
        app.MapCommandEndpoints();
        app.MapAlertEndpoints();
        app.MapPublicAlertEndpoints();
        Features.Information.InformationEndpoints.MapInformationEndpoints(app);
        app.MapDeliveryEndpoints();
        Features.Ledger.LedgerEndpoints.MapLedgerEndpoints(app);
        Features.Ledger.Sources.SourcesEndpoints.MapLedgerSourceEndpoints(app);
        return app;
    }

    /// <summary>Status-only answers (401, 403, 404, 405, 429) get our stable problem types too.</summary>
    private static void StableProblemTypes(ProblemDetailsContext context)
    {
        var details = context.ProblemDetails;
        if (details.Type is null || !details.Type.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal))
        {
            details.Type = ProblemTypes.Uri(details.Status switch
            {
                StatusCodes.Status400BadRequest => "malformed-request",
                StatusCodes.Status401Unauthorized => "unauthenticated",
                StatusCodes.Status403Forbidden => "forbidden",
                StatusCodes.Status404NotFound => "not-found",
                StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
                StatusCodes.Status413PayloadTooLarge => "body-too-large",
                StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
                StatusCodes.Status429TooManyRequests => "too-many-requests",
                _ => "internal-error",
            });
            if (details.Status == StatusCodes.Status401Unauthorized)
            {
                details.Detail ??= "Sign in (cookie) or send 'Authorization: Bearer <token>'.";
            }
        }

        details.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
    }
}

internal sealed class DatabaseHealthCheck(Data.CrisisOpsDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database is not reachable.");
}
