using System.Threading.RateLimiting;

namespace CrisisOps.Server.Platform;

/// <summary>Rate limits for the endpoints anyone can call: sign-in, public reports, and the public ledger's read API.</summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Public = "public";

    /// <summary>
    /// Anonymous reads that auditors make in bulk (the sunshine ledger's entries, tiles and proofs): a verifier of a
    /// million-entry log asks a thousand pages, which the report limit of 30 a minute would stretch over half an hour.
    /// </summary>
    public const string PublicRead = "public-read";

    public static IServiceCollection AddCrisisOpsRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var signInPerMinute = configuration.GetValue("RateLimits:SignInPerMinute", 20);
        var publicPerMinute = configuration.GetValue("RateLimits:PublicPerMinute", 30);
        var publicReadPerMinute = configuration.GetValue("RateLimits:PublicReadPerMinute", 1200);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignIn, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInPerMinute, Window = TimeSpan.FromMinutes(1) }));
            options.AddPolicy(Public, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = publicPerMinute, Window = TimeSpan.FromMinutes(1) }));
            options.AddPolicy(PublicRead, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = publicReadPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
    }
}
