using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Api;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>
/// A device grain answers coverage lookups from facts its line sends after each write (issue 9: one grain call per
/// lookup). Each test warms the device first, so it holds facts, then changes the line and looks up at once: the
/// answer must already be the new one, for claims, usage, termination, cancellation, correction and exchange.
/// </summary>
public sealed class CoverageFreshnessTests(ApiFactory factory) : ClaimTestBase(factory)
{
    private async Task<JsonNode> CoverageAsync(string imei, string date, HttpClient? client = null)
    {
        var (status, body) = await (client ?? Http).GetJsonAsync($"/v1/devices/{imei}/coverage?date={date}");
        Assert.True(status == HttpStatusCode.OK, $"coverage of {imei}: {(int)status} {body?.ToJsonString()}");
        return body!;
    }

    private static string Rules(JsonNode coverage) => string.Join(",", coverage.Rules());

    [Fact]
    public async Task CLM_1_CLM_3_each_filed_claim_shows_in_the_very_next_lookup()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var before = await CoverageAsync(imei, "2026-06-15");
        Assert.Equal("2", before.Str("claimsRemaining"));
        Assert.Equal("4400", before.Str("nextExchangeFeeYen"));

        await FileOkAsync(lineId, at: At("2026-06-01", 10));
        var one = await CoverageAsync(imei, "2026-06-15");
        Assert.Equal("1", one.Str("claimsRemaining"));
        Assert.Equal("8800", one.Str("nextExchangeFeeYen"));

        await FileOkAsync(lineId, at: At("2026-06-02", 10));
        var two = await CoverageAsync(imei, "2026-06-15");
        Assert.Equal("0", two.Str("claimsRemaining"));
        Assert.Equal("false", two.Str("exchangeAvailable"));
        Assert.Null(two.Str("nextExchangeFeeYen"));
    }

    [Fact]
    public async Task COV_5_usage_shows_in_the_very_next_lookup()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        Assert.Equal("2026-05-20", (await CoverageAsync(imei, "2026-06-15")).Str("lastUsageDate"));

        await RecordUsageAsync(lineId, imei, At("2026-06-14", 9));

        Assert.Equal("2026-06-14", (await CoverageAsync(imei, "2026-06-15")).Str("lastUsageDate"));
    }

    [Fact]
    public async Task COV_7_a_termination_shows_in_the_very_next_lookup()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        Assert.Equal("true", (await CoverageAsync(imei, "2026-06-21")).Str("covered"));

        var (status, body) = await Http.PostJsonAsync($"/v1/lines/{lineId}/option/termination", new { date = "2026-06-20" });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var after = await CoverageAsync(imei, "2026-06-21");
        Assert.Equal("false", after.Str("covered"));
        Assert.Equal("COV-7", Rules(after));
        Assert.Equal("true", (await CoverageAsync(imei, "2026-06-20")).Str("covered"));
    }

    [Fact]
    public async Task ENR_3_a_cancellation_shows_in_the_very_next_lookup()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        Assert.Equal("true", (await CoverageAsync(imei, "2026-07-01")).Str("covered"));

        var (status, body) = await Http.PostJsonAsync($"/v1/lines/{lineId}/cancellation", new { date = "2026-06-30" });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        Assert.Equal("COV-7", Rules(await CoverageAsync(imei, "2026-07-01")));
    }

    [Fact]
    public async Task REG_4_a_correction_shows_in_the_very_next_lookup_of_both_devices()
    {
        // Registered in its window (start 2026-06-10); coverage starts later, so the lookups are in July.
        var (lineId, oldImei, tac) = await NewCoveredLineAsync();
        var subscriber = Factory.ClientFor("subscriber", lineId);
        Assert.Equal("true", (await CoverageAsync(oldImei, "2026-07-05", subscriber)).Str("covered"));

        var newImei = TestData.NewImei(tac);
        var (status, body) = await Http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(newImei));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var old = await CoverageAsync(oldImei, "2026-07-05");
        Assert.Equal("false", old.Str("covered"));
        Assert.Equal("REG-4", Rules(old));
        Assert.Equal("true", (await CoverageAsync(newImei, "2026-07-05", subscriber)).Str("covered"));
        // The subscriber now sees only the new device; the old one is hidden as an unregistered one would be.
        AssertProblem(await subscriber.GetJsonAsync($"/v1/devices/{oldImei}/coverage?date=2026-07-05"), HttpStatusCode.NotFound, "device_not_found");
    }

    [Fact]
    public async Task CLM_9_an_exchange_shows_in_the_very_next_lookup_of_both_devices()
    {
        var (lineId, oldImei, _) = await EligibleLineAsync();
        var replacement = TestData.NewImei(await StockedModelAsync());
        var subscriber = Factory.ClientFor("subscriber", lineId);
        Assert.Equal("true", (await CoverageAsync(oldImei, "2026-06-15", subscriber)).Str("covered"));
        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{replacement}/coverage?date=2026-06-15"), HttpStatusCode.NotFound, "device_not_found");

        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        Ok(await ShipAsync(lineId, claimId, replacement, At("2026-06-01", 13)), "exchange-shipment");
        var shipped = await CoverageAsync(oldImei, "2026-06-15", subscriber);
        Assert.Equal("true", shipped.Str("covered"));
        Assert.Equal("1", shipped.Str("claimsRemaining"));
        Ok(await DeliverAsync(lineId, claimId, At("2026-06-02", 10)), "exchange-delivery");

        var old = await CoverageAsync(oldImei, "2026-06-15");
        Assert.Equal("false", old.Str("covered"));
        Assert.Equal("CLM-9", Rules(old));
        var now = await CoverageAsync(replacement, "2026-06-15", subscriber);
        Assert.Equal("true", now.Str("covered"));
        Assert.Equal(lineId, now.Str("lineId"));
        Assert.Equal("1", now.Str("claimsRemaining"));
        AssertProblem(await subscriber.GetJsonAsync($"/v1/devices/{oldImei}/coverage?date=2026-06-15"), HttpStatusCode.NotFound, "device_not_found");
    }

    [Fact]
    public async Task A_subscriber_sees_only_the_device_its_line_covers_and_another_is_404_as_if_unregistered()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var (_, otherImei, _) = await EligibleLineAsync();
        var subscriber = Factory.ClientFor("subscriber", lineId);

        Assert.Equal("true", (await CoverageAsync(imei, "2026-06-15", subscriber)).Str("covered"));
        var (status, device) = await subscriber.GetJsonAsync($"/v1/devices/{imei}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(lineId, device.Str("coveredByLineId"));

        var other = await subscriber.GetJsonAsync($"/v1/devices/{otherImei}/coverage?date=2026-06-15");
        var unregistered = TestData.NewImei(otherImei[..8]);
        var none = await subscriber.GetJsonAsync($"/v1/devices/{unregistered}/coverage?date=2026-06-15");
        AssertProblem(other, HttpStatusCode.NotFound, "device_not_found");
        AssertProblem(none, HttpStatusCode.NotFound, "device_not_found");
        Assert.Equal(none.Body!["detail"]!.GetValue<string>().Replace(unregistered, "X"), other.Body!["detail"]!.GetValue<string>().Replace(otherImei, "X"));
        AssertProblem(await subscriber.GetJsonAsync($"/v1/devices/{otherImei}"), HttpStatusCode.NotFound, "device_not_found");
    }
}
