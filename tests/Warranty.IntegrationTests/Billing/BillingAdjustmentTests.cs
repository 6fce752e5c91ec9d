using System.Net;
using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Billing;

/// <summary>The API on a PostgreSQL database of its own, whose clock this test moves on.</summary>
public sealed class AdjustmentApiFactory : ApiFactory
{
}

/// <summary>
/// Issue 14: a late, back-dated change to a month a billing run already closed is reported as an adjustment in the next
/// run, never silently: a termination back-dated before a billed month takes its fee back (BIL-3), and a repair
/// completed late into it adds its charges (BIL-4, CLM-4). The run that closes with them bills them, once.
/// </summary>
public sealed class BillingAdjustmentTests(AdjustmentApiFactory factory) : IClassFixture<AdjustmentApiFactory>
{
    private readonly HttpClient _http = factory.ClientFor("operator");
    private readonly HttpClient _admin = factory.ClientFor("admin");
    private readonly HttpClient _network = factory.ClientFor("network");

    [Fact]
    public async Task BIL_3_BIL_4_a_back_dated_change_to_a_closed_month_comes_as_an_adjustment_in_the_next_run_and_is_billed_once()
    {
        var tac = TestData.NewTac();
        await Ok(_admin.PutJsonAsync($"/v1/catalog/models/{tac}", TestData.Model("android", "2025-06-01")));
        var terminated = await LineAsync(tac, "A");
        var (repaired, imei) = await LineWithImeiAsync(tac, "B");
        await Ok(_network.PostJsonAsync($"/v1/lines/{repaired}/usage", new { imei, at = "2026-05-09T10:00:00+09:00" }), HttpStatusCode.NoContent);
        var claim = (await Ok(_http.PostJsonAsync($"/v1/lines/{repaired}/claims", new { incident = "screen_crack", at = "2026-05-10T10:00:00+09:00" }), HttpStatusCode.Created))["claimId"]!.GetValue<string>();
        var path = $"/v1/lines/{repaired}/claims/{claim}";
        await Ok(_http.PostJsonAsync($"{path}/device-receipt", new
        {
            at = "2026-05-11T10:00:00+09:00", consentFormEnclosed = true, simAndSdRemoved = true, esimErased = true, dataErased = true, eCertificateRevoked = true,
        }));
        await Ok(_http.PostJsonAsync($"{path}/inspection", new { at = "2026-05-12T10:00:00+09:00", outcome = "repair" }));
        string[] lines = [terminated, repaired];

        // May has ended ("now" is 2026-06-15): its first complete run closes it, with both lines' fees.
        var (may, maySummary) = await RunAsync("2026-05");
        Assert.True(maySummary["closed"]!.GetValue<bool>());
        Assert.Equal(["monthly_fee", "monthly_fee"], may.Where(i => lines.Contains(i.LineId)).Select(i => i.Kind));
        Assert.Equal(0, maySummary["adjustments"]!.GetValue<int>());

        // Late and back-dated: the option ended in April, and the repair completed on 31 May.
        await Ok(_http.PostJsonAsync($"/v1/lines/{terminated}/option/termination", new { date = "2026-04-20" }));
        await Ok(_http.PostJsonAsync($"{path}/repair-completion", new { at = "2026-05-31T12:00:00+09:00", repairCostYen = 60_000 }));

        // The next run (June, still open) lists the corrections of May; nothing of June changed.
        var (june, juneSummary, adjustments) = await RunWithAdjustmentsAsync("2026-06");
        Assert.Equal(["monthly_fee"], june.Where(i => lines.Contains(i.LineId)).Select(i => i.Kind));
        Assert.Equal(
            [(terminated, "2026-05", "monthly_fee", -550, -50), (repaired, "2026-05", "excess_over_cap", 10_000, 0)],
            adjustments.Where(a => lines.Contains(a.LineId)).Select(a => (a.LineId, a.Month, a.Kind, a.AmountYen, a.TaxYen)));
        Assert.Equal(2, juneSummary["adjustments"]!.GetValue<int>());
        Assert.Equal(10_000 - 550, juneSummary["adjustmentsYen"]!.GetValue<long>());
        Assert.False(juneSummary["closed"]!.GetValue<bool>());

        // May's run now lists May as it stands, as the lines' charges do.
        await BillingComparison.AssertMatchesChargesAsync(_admin, lines, "2026-05", others: true);

        // July 2: June has ended. Its run closes it and bills the adjustments; July's run has none left.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 7, 2, 12, 0, 0, TimeSpan.FromHours(9)));
        var (_, closedJune, billed) = await RunWithAdjustmentsAsync("2026-06");
        Assert.True(closedJune["closed"]!.GetValue<bool>());
        Assert.Equal(2, billed.Count(a => lines.Contains(a.LineId)));
        var (_, july, none) = await RunWithAdjustmentsAsync("2026-07");
        Assert.DoesNotContain(none, a => lines.Contains(a.LineId));
        Assert.Equal(0, july["adjustments"]!.GetValue<int>());
    }

    private async Task<string> LineAsync(string tac, string prefix) => (await LineWithImeiAsync(tac, prefix)).LineId;

    private async Task<(string LineId, string Imei)> LineWithImeiAsync(string tac, string prefix)
    {
        var lineId = TestData.NewLineId(prefix);
        await Ok(_http.PostJsonAsync("/v1/lines", new { lineId, plan = "giga", simType = "esim", serviceStartDate = "2026-01-10", warrantyOption = true, at = "2026-01-10T09:00:00+09:00" }), HttpStatusCode.Created);
        var imei = TestData.NewImei(tac);
        await Ok(_http.PutJsonAsync($"/v1/lines/{lineId}/device", TestData.Registration(imei, "2026-01-11T10:00:00+09:00")));
        return (lineId, imei);
    }

    private async Task<(List<BillingComparison.Item> Items, JsonObject Summary)> RunAsync(string month)
    {
        await BillingComparison.CaughtUpAsync(_admin);
        return await BillingComparison.RunAsync(_admin, month);
    }

    private async Task<(List<BillingComparison.Item> Items, JsonObject Summary, List<Adjustment> Adjustments)> RunWithAdjustmentsAsync(string month)
    {
        await BillingComparison.CaughtUpAsync(_admin);
        var records = await BillingComparison.RecordsAsync(_admin, month);
        var items = records.Where(r => r["type"]!.GetValue<string>() == "item").Select(r => BillingComparison.Item.Of(r["lineId"]!.GetValue<string>(), r)).ToList();
        var adjustments = records.Where(r => r["type"]!.GetValue<string>() == "adjustment")
            .Select(r => new Adjustment(r["lineId"]!.GetValue<string>(), r["month"]!.GetValue<string>(), r["kind"]!.GetValue<string>(), r["amountYen"]!.GetValue<int>(), r["taxYen"]!.GetValue<int>()))
            .ToList();
        return (items, records[^1], adjustments);
    }

    private static async Task<JsonNode> Ok(Task<(HttpStatusCode Status, JsonNode? Body)> request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, body) = await request;
        Assert.True(status == expected, $"{(int)status} {body?.ToJsonString()}");
        return body ?? new JsonObject();
    }

    private sealed record Adjustment(string LineId, string Month, string Kind, int AmountYen, int TaxYen);
}
