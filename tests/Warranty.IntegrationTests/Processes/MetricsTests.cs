using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// Issue 12: <c>/metrics</c> (Prometheus, admin token) carries the service's own meter with values that match the
/// requests made, beside ASP.NET Core's, the runtime's and Orleans'. A real process, so no other test's requests count.
/// </summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task The_scrape_counts_lookups_claims_refusals_by_rule_replays_and_stock_as_they_happened()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Warranty__Storage"] = "memory" });
        var http = service.Http;
        var tac = await Deployments.NewModelAsync(http);
        Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = 7 })).Status);
        var start = Deployments.Today.AddMonths(-2);
        var lineId = TestData.NewLineId("M");
        var imei = TestData.NewImei(tac);
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Deployments.Iso(start)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, $"{Deployments.Iso(start.AddDays(1))}T10:00:00+09:00"))).Status);

        // 3 lookups of the covered device, 2 of a device that is not (a registration refused by REG-2 first: the window closed).
        var other = TestData.NewImei(tac);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(other))).Status);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync($"/v1/devices/{imei}/coverage")).Status);
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync($"/v1/devices/{imei}/coverage?date={Deployments.Iso(start)}")).Status);
        }

        // A claim refused by COV-5 (no usage yet), then one filed, sent twice with one Idempotency-Key (one replay).
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack" })).Status);
        var usedAt = $"{Deployments.Iso(Deployments.Today.AddDays(-1))}T10:00:00+09:00";
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei, at = usedAt })).Status);
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/lines/{lineId}/claims") { Content = JsonContent.Create(new { incident = "water_damage" }) };
            request.Headers.Add("Idempotency-Key", "metrics-test-1");
            Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(request)).StatusCode);
        }

        using var anonymous = new HttpClient { BaseAddress = service.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        var scrape = await http.GetStringAsync("/metrics");

        Assert.Equal(3, Value(scrape, "warranty_coverage_lookups_total", "covered=\"true\""));
        Assert.Equal(2, Value(scrape, "warranty_coverage_lookups_total", "covered=\"false\""));
        Assert.Equal(1, Value(scrape, "warranty_claims_refused_total", "rule=\"COV-5\""));
        Assert.Equal(1, Value(scrape, "warranty_claims_filed_total", "incident=\"water_damage\""));
        Assert.Equal(1, Value(scrape, "warranty_registrations_refused_total", "rule=\"REG-2\""));
        Assert.Equal(1, Value(scrape, "warranty_idempotent_replays_total", ""));
        Assert.Equal(7, Value(scrape, "warranty_exchange_stock", $"tac=\"{tac}\""));
        // The platform's meters are there too.
        Assert.Contains("http_server_request_duration_seconds_count", scrape);
        Assert.Contains("orleans_", scrape);
        Assert.Contains("dotnet_gc_", scrape);
    }

    /// <summary>The value of the sample of <paramref name="metric"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string scrape, string metric, string label)
    {
        var samples = scrape.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(label, StringComparison.Ordinal))
            .ToList();
        var sample = Assert.Single(samples);
        return double.Parse(Sample().Match(sample).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\}?\s([0-9.eE+-]+)(\s[0-9]+)?$")]
    private static partial Regex Sample();
}
