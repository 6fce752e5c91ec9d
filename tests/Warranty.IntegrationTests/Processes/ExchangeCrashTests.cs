using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warranty.Grains.Infrastructure;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// CLM-9 across a real crash: the process dies (Environment.FailFast) at each step of an exchange
/// shipment or delivery; after a restart, the client's retries with the same Idempotency-Keys complete
/// it. Stock is taken once per exchange, one device is covered per line and none is on two lines.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ExchangeCrashTests
{
    private const int InitialStock = 10;

    private static string Iso(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient http, string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task CLM_9_an_exchange_killed_at_any_step_completes_on_retry_after_restart_taking_stock_once()
    {
        var settings = await Deployments.PostgresAsync("xcrash");
        var now = DateTimeOffset.UtcNow;
        var start = Deployments.Today.AddDays(-40);
        var cases = new List<(string Point, string LineId, string ClaimId, string Old, string Replacement)>();
        string tac;
        await using (var setup = await ServiceProcess.StartAsync(settings))
        {
            var http = setup.Http;
            tac = await Deployments.NewModelAsync(http);
            Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/exchange-stock/{tac}", new { quantity = InitialStock })).Status);
            foreach (var point in FaultPoints.Exchange)
            {
                var lineId = TestData.NewLineId("XC");
                var old = TestData.NewImei(tac);
                Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/v1/lines", TestData.Line(lineId, Deployments.Iso(start)))).Status);
                Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(old, $"{Deployments.Iso(start.AddDays(1))}T10:00:00+09:00"))).Status);
                Assert.Equal(HttpStatusCode.NoContent, (await http.PostJsonAsync($"/v1/lines/{lineId}/usage", new { imei = old, at = Iso(now.AddDays(-1)) })).Status);
                var (filed, claim) = await http.PostJsonAsync($"/v1/lines/{lineId}/claims", new { incident = "screen_crack", at = Iso(now.AddHours(-5)) });
                Assert.True(filed == HttpStatusCode.Created, claim?.ToJsonString());
                var claimId = claim.Str("claimId")!;
                var receipt = new { at = Iso(now.AddHours(-4)), consentFormEnclosed = true, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true };
                Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/v1/lines/{lineId}/claims/{claimId}/device-receipt", receipt)).Status);
                Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/v1/lines/{lineId}/claims/{claimId}/inspection", new { at = Iso(now.AddHours(-3)), outcome = "exchange" })).Status);
                cases.Add((point, lineId, claimId, old, TestData.NewImei(tac)));
            }

            await setup.KillAsync();
        }

        foreach (var (point, lineId, claimId, _, replacement) in cases)
        {
            await using var doomed = await ServiceProcess.StartAsync(settings.With(CrashAtConfiguredPoint.ConfigurationKey.Replace(":", "__"), point));
            try
            {
                await PostAsync(doomed.Http, $"/v1/lines/{lineId}/claims/{claimId}/exchange-shipment", new { at = Iso(now.AddHours(-2)), replacementImei = replacement }, $"ship-{lineId}");
                await PostAsync(doomed.Http, $"/v1/lines/{lineId}/claims/{claimId}/exchange-delivery", new { at = Iso(now.AddHours(-1)) }, $"deliver-{lineId}");
            }
            catch (HttpRequestException)
            {
                // The process died where it was told to.
            }

            Assert.NotEqual(0, await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"Injected crash at '{point}'", doomed.Output);
        }

        await using var service = await ServiceProcess.StartAsync(settings);
        foreach (var (point, lineId, claimId, old, replacement) in cases)
        {
            var (shipped, shipment) = await PostAsync(service.Http, $"/v1/lines/{lineId}/claims/{claimId}/exchange-shipment", new { at = Iso(now.AddHours(-2)), replacementImei = replacement }, $"ship-{lineId}");
            Assert.True(shipped == HttpStatusCode.OK, $"{point}: shipment retry {shipped} {shipment?.ToJsonString()}");
            var (delivered, delivery) = await PostAsync(service.Http, $"/v1/lines/{lineId}/claims/{claimId}/exchange-delivery", new { at = Iso(now.AddHours(-1)) }, $"deliver-{lineId}");
            Assert.True(delivered == HttpStatusCode.OK, $"{point}: delivery retry {delivered} {delivery?.ToJsonString()}");
            Assert.Equal("completed", delivery.Str("status"));

            var (_, line) = await service.Http.GetJsonAsync($"/v1/lines/{lineId}");
            var (_, current) = await service.Http.GetJsonAsync($"/v1/devices/{replacement}");
            var (_, previous) = await service.Http.GetJsonAsync($"/v1/devices/{old}");
            Assert.Equal(replacement, line.Str("option.coveredImei"));
            Assert.Equal(lineId, current.Str("coveredByLineId"));
            Assert.Equal("replaced", previous.Str("status"));
            Assert.Equal(replacement, previous.Str("replacedByImei"));
            var (_, charges) = await service.Http.GetJsonAsync($"/v1/lines/{lineId}/charges?month={Iso(now.AddHours(-1))[..7]}");
            Assert.Equal(2, charges!["items"]!.AsArray().Count(i => i.Str("claimId") == claimId));
        }

        var (_, stock) = await service.Http.GetJsonAsync($"/v1/exchange-stock/{tac}");
        Assert.Equal((InitialStock - cases.Count).ToString(System.Globalization.CultureInfo.InvariantCulture), stock.Str("quantity"));
    }
}
