using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// Abuse limits of the HTTP front door (section <c>Warranty:RateLimits</c>): a token bucket per principal
/// (the token's <c>sub</c>; the client address before authentication), sized by role, and a bound on the
/// requests the process works on at once. Health checks are exempt.
/// </summary>
public sealed class RateLimitOptions : ISettings
{
    public static string Section => "Warranty:RateLimits";

    /// <summary>Requests per second of one subscriber token (an app or web front end acting for one line).</summary>
    public int SubscriberPerSecond { get; set; } = 20;

    /// <summary>Requests per second of one reception-centre (operator) principal.</summary>
    public int OperatorPerSecond { get; set; } = 5_000;

    /// <summary>Requests per second of one network usage-feed principal.</summary>
    public int NetworkPerSecond { get; set; } = 5_000;

    public int AdminPerSecond { get; set; } = 1_000;

    /// <summary>Requests per second from one client address without a valid token (they all end in 401).</summary>
    public int AnonymousPerSecond { get; set; } = 50;

    /// <summary>A principal may send this many seconds' worth of requests at once before the rate applies.</summary>
    public int BurstSeconds { get; set; } = 2;

    /// <summary>Requests this process works on at once; more are answered 503 with Retry-After at once.</summary>
    public int MaxConcurrentRequests { get; set; } = 4_096;

    public int PerSecond(string? role) => role switch
    {
        "subscriber" => SubscriberPerSecond,
        "operator" => OperatorPerSecond,
        "network" => NetworkPerSecond,
        "admin" => AdminPerSecond,
        _ => AnonymousPerSecond,
    };

    /// <summary>One message for any broken rule: every rate, <see cref="BurstSeconds"/> and <see cref="MaxConcurrentRequests"/> must be above 0.</summary>
    public IEnumerable<string> Problems()
    {
        int[] positive = [SubscriberPerSecond, OperatorPerSecond, NetworkPerSecond, AdminPerSecond, AnonymousPerSecond, BurstSeconds, MaxConcurrentRequests];
        if (positive.Any(value => value <= 0))
        {
            yield return "Invalid Warranty:RateLimits settings (rates, BurstSeconds and MaxConcurrentRequests must be above 0).";
        }
    }
}

public static class RateLimits
{
    public const string RateLimitedDetail = "Too many requests from this principal; retry after the time in Retry-After.";

    public const string OverloadedDetail = "The service is at its limit of concurrent requests; retry after the time in Retry-After.";

    public static IServiceCollection AddWarrantyRateLimits(this IServiceCollection services)
    {
        services.AddSettings<RateLimitOptions>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            o.OnRejected = OnRejectedAsync;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Exempt(context)
                    ? RateLimitPartition.GetNoLimiter("exempt")
                    : RateLimitPartition.GetConcurrencyLimiter("process", _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = limits.Value.MaxConcurrentRequests,
                        QueueLimit = 0,
                    })),
                new PrincipalRateLimiter(limits.Value, TimeProvider.System));
        });
        return services;
    }

    /// <summary>The partition: the authenticated principal (role and subject), or the client address.</summary>
    public static (string Key, string? Role) PrincipalOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity is Auth.PrincipalIdentity known)
        {
            return (known.RateLimitKey, known.Role);
        }

        if (user.Identity?.IsAuthenticated == true)
        {
            var role = user.FindFirstValue(ClaimTypes.Role) ?? user.FindFirstValue("role");
            var subject = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") ?? "?";
            return ($"{role}:{subject}", role);
        }

        return ($"address:{context.Connection.RemoteIpAddress}", null);
    }

    private static bool Exempt(HttpContext context) => context.Request.Path.StartsWithSegments("/health");

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var limited = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = limited ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        var status = limited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        var code = limited ? ErrorCodes.RateLimited : ErrorCodes.Overloaded;
        var problem = Problems.Create(status, code, limited ? RateLimitedDetail : OverloadedDetail);
        WarrantyMetrics.RequestRefused(code);
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(problem).ExecuteAsync(context);
    }
}
