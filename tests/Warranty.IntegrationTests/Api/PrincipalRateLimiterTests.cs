using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Warranty.Api.Http;

namespace Warranty.IntegrationTests.Api;

/// <summary>Issue 9: the per-principal token bucket refills from elapsed time (no timer per bucket) and drops idle buckets.</summary>
public sealed class PrincipalRateLimiterTests
{
    private static HttpContext Request(string subject, string role = "subscriber")
    {
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)], "test", "sub", "role")) };
        context.Request.Path = "/v1/lines/L-1";
        return context;
    }

    [Fact]
    public void A_principal_gets_its_rate_and_burst_then_waits_as_long_as_Retry_After_says()
    {
        var time = new FakeTimeProvider();
        using var limiter = new PrincipalRateLimiter(new RateLimitOptions { SubscriberPerSecond = 2, BurstSeconds = 1 }, time);

        Assert.True(limiter.AttemptAcquire(Request("a")).IsAcquired);
        Assert.True(limiter.AttemptAcquire(Request("a")).IsAcquired);
        var refused = limiter.AttemptAcquire(Request("a"));
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(0.5), wait);
        Assert.True(limiter.AttemptAcquire(Request("b")).IsAcquired);

        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(limiter.AttemptAcquire(Request("a")).IsAcquired);
        Assert.False(limiter.AttemptAcquire(Request("a")).IsAcquired);
    }

    [Fact]
    public void Idle_buckets_are_dropped_and_health_checks_are_not_counted()
    {
        var time = new FakeTimeProvider();
        using var limiter = new PrincipalRateLimiter(new RateLimitOptions { SubscriberPerSecond = 1, BurstSeconds = 1 }, time);
        var health = Request("h");
        health.Request.Path = "/health/live";

        Assert.True(limiter.AttemptAcquire(Request("a")).IsAcquired);
        Assert.True(limiter.AttemptAcquire(health).IsAcquired);
        Assert.True(limiter.AttemptAcquire(health).IsAcquired);
        Assert.Equal(1, limiter.Count);

        time.Advance(PrincipalRateLimiter.SweepPeriod);

        Assert.Equal(0, limiter.Count);
        Assert.True(limiter.AttemptAcquire(Request("a")).IsAcquired);
    }
}
