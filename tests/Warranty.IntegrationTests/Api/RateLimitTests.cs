using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Api;

/// <summary>Issue 5, item 4: rate limits per principal (429 with Retry-After) and a bound on concurrent requests (503).</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFactory factory)
{
    [Fact]
    public async Task A_principal_over_its_rate_gets_429_problems_with_retry_after_and_others_are_not_affected()
    {
        await using var limited = factory.WithWebHostBuilder(b => b
            .UseSetting("Warranty:RateLimits:SubscriberPerSecond", "2")
            .UseSetting("Warranty:RateLimits:BurstSeconds", "1"));
        var noisy = limited.CreateClient().As("subscriber", "RL-1");
        var quiet = limited.CreateClient().As("subscriber", "RL-2");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 12; i++)
        {
            var response = await noisy.GetAsync("/v1/lines/RL-1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected ??= response;
            }
        }

        Assert.NotNull(rejected);
        Assert.True(statuses.Count(s => s != HttpStatusCode.TooManyRequests) <= 4, string.Join(",", statuses));
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limited", JsonNode.Parse(await rejected.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        Assert.True(int.Parse(rejected.Headers.GetValues("Retry-After").Single()) >= 1);

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await quiet.GetAsync("/v1/lines/RL-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await noisy.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Requests_beyond_the_concurrency_bound_get_503_with_retry_after()
    {
        await using var bounded = factory.WithWebHostBuilder(b => b.UseSetting("Warranty:RateLimits:MaxConcurrentRequests", "1"));
        var admin = bounded.CreateClient().As("admin");

        // 64 requests at once against a bound of 1: those that find it taken are refused at once, not queued.
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => admin.GetAsync("/v1/catalog/models/35999999")));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(responses.Except(refused), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal("overloaded", JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", refused[0].Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v1/catalog/models/35999999")).StatusCode);
    }
}
