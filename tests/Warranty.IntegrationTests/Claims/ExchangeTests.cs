using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>Exchanges: CLM-2 (by kind), CLM-9 (designated device, stock, the new covered device), CLM-11 (initial defect).</summary>
public sealed class ExchangeTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Theory]
    [InlineData("ios")]
    [InlineData("router")]
    public async Task CLM_2_an_ios_or_router_device_is_repaired_only(string kind)
    {
        var (lineId, _, _) = await EligibleLineAsync(kind);
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));
        var historyBefore = (await HistoryAsync(lineId)).Count;

        var refused = await InspectAsync(lineId, claimId, "exchange");

        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "exchange_not_available", "CLM-2");
        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Equal("inspecting", claim.Str("status"));
        Assert.Null(claim.Str("service"));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
        var repairing = Ok(await InspectAsync(lineId, claimId, "repair"));
        Assert.Equal("repairing", repairing.Str("status"));
        Assert.Equal("repair", repairing.Str("service"));
    }

    [Theory]
    [InlineData("android")]
    [InlineData("windows")]
    public async Task CLM_2_CLM_9_android_and_windows_are_exchanged_for_a_designated_device_of_the_same_kind(string kind)
    {
        var (lineId, imei, _) = await EligibleLineAsync(kind);
        var stockTac = await StockedModelAsync(kind, quantity: 3);
        var replacement = TestData.NewImei(stockTac);

        var delivered = await ExchangedClaimAsync(lineId, "2026-06-01", replacement);

        Assert.Equal("completed", delivered.Str("status"));
        Assert.Equal("exchange", delivered.Str("service"));
        Assert.Equal(imei, delivered.Str("imei"));
        Assert.Equal(replacement, delivered.Str("replacementImei"));
        Assert.Equal(2, await StockAsync(stockTac));
    }

    [Fact]
    public async Task CLM_9_once_delivered_the_exchange_device_is_the_covered_device_and_the_old_one_is_not()
    {
        var (lineId, oldImei, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var replacement = TestData.NewImei(stockTac);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");

        Ok(await ShipAsync(lineId, claimId, replacement, At("2026-06-01", 13)));
        // Shipped, not yet delivered: the old device is still the covered one.
        Assert.Equal(oldImei, (await GetLineAsync(lineId)).Str("option.coveredImei"));
        Assert.Equal("covered", (await GetDeviceAsync(oldImei)).Str("status"));
        Ok(await DeliverAsync(lineId, claimId, At("2026-06-02", 10)));

        Assert.Equal(replacement, (await GetLineAsync(lineId)).Str("option.coveredImei"));
        var newDevice = await GetDeviceAsync(replacement);
        Assert.Equal("covered", newDevice.Str("status"));
        Assert.Equal(lineId, newDevice.Str("coveredByLineId"));
        Assert.Equal(oldImei, newDevice.Str("replacesImei"));
        Assert.Equal(stockTac, newDevice.Str("tac"));
        var oldDevice = await GetDeviceAsync(oldImei);
        Assert.Equal("replaced", oldDevice.Str("status"));
        Assert.Equal(replacement, oldDevice.Str("replacedByImei"));
        Assert.Contains(Items(oldDevice, "claims"), c => c.Str("claimId") == claimId && c.Str("lineId") == lineId);
        var (_, oldCoverage) = await Http.GetJsonAsync($"/v1/devices/{oldImei}/coverage?date=2026-06-15");
        Assert.Equal("false", oldCoverage.Str("covered"));
        var (_, newCoverage) = await Http.GetJsonAsync($"/v1/devices/{replacement}/coverage?date=2026-06-15");
        Assert.Equal("true", newCoverage.Str("covered"));
        Assert.Equal(lineId, newCoverage.Str("lineId"));
        Assert.Equal("1", newCoverage.Str("claimsRemaining"));
        Assert.Equal("8800", newCoverage.Str("nextExchangeFeeYen"));

        // The next claim is for the new device, once it has been used with the line's SIM (COV-5).
        AssertProblem(await FileAsync(lineId, "screen_crack", At("2026-06-10", 10)), HttpStatusCode.UnprocessableEntity, "claim_refused", "COV-5");
        await RecordUsageAsync(lineId, replacement, At("2026-06-03", 9));
        var next = await FileOkAsync(lineId, "screen_crack", At("2026-06-10", 10));
        Assert.Equal(replacement, next.Str("imei"));
    }

    [Fact]
    public async Task CLM_9_stock_is_taken_once_at_shipment_and_a_replayed_shipment_is_409()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync(quantity: 2);
        var replacement = TestData.NewImei(stockTac);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        Assert.Equal(2, await StockAsync(stockTac));

        Ok(await ShipAsync(lineId, claimId, replacement, At("2026-06-01", 13)));
        Assert.Equal(1, await StockAsync(stockTac));
        var historyAfterShipment = (await HistoryAsync(lineId)).Count;

        var replay = await ShipAsync(lineId, claimId, replacement, At("2026-06-01", 13));

        AssertProblem(replay, HttpStatusCode.Conflict, "invalid_claim_transition");
        Assert.Equal(1, await StockAsync(stockTac));
        Assert.Equal(historyAfterShipment, (await HistoryAsync(lineId)).Count);
        Assert.Equal("exchange_shipped", (await GetClaimAsync(lineId, claimId)).Str("status"));
    }

    [Fact]
    public async Task CLM_9_a_shipment_replayed_with_its_idempotency_key_returns_the_first_response_and_takes_no_more_stock()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync(quantity: 3);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        var key = $"ship-{Guid.NewGuid():N}";
        var body = new { at = At("2026-06-01", 13), replacementImei = TestData.NewImei(stockTac) };

        var first = await PostWithKeyAsync($"{ClaimPath(lineId, claimId)}/exchange-shipment", key, body);
        var replay = await PostWithKeyAsync($"{ClaimPath(lineId, claimId)}/exchange-shipment", key, body);

        Assert.True(first.Status == HttpStatusCode.OK, first.Body?.ToJsonString());
        Assert.True(replay.Status == HttpStatusCode.OK, replay.Body?.ToJsonString());
        Assert.Equal(first.Body!.ToJsonString(), replay.Body!.ToJsonString());
        Assert.Equal(2, await StockAsync(stockTac));
        Assert.Single(await HistoryAsync(lineId), h => h.Str("type") == "claim_exchange_shipped");
    }

    [Fact]
    public async Task CLM_9_with_no_stock_the_shipment_is_409_out_of_stock_until_restocked()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync(quantity: 0);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");

        var unit = TestData.NewImei(stockTac);
        var refused = await ShipAsync(lineId, claimId, unit, At("2026-06-01", 13));

        AssertProblem(refused, HttpStatusCode.Conflict, "out_of_stock");
        // A refused request leaves no trace: the unit is still unknown, and no history entry.
        AssertProblem(await Http.GetJsonAsync($"/v1/devices/{unit}"), HttpStatusCode.NotFound, "device_not_found");
        Assert.DoesNotContain(await HistoryAsync(lineId), h => h.Str("type") == "claim_exchange_shipped");
        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Equal("exchange_pending", claim.Str("status"));
        Assert.Null(claim.Str("replacementImei"));
        Assert.Equal(0, await StockAsync(stockTac));

        await SetStockAsync(stockTac, 1);
        var replacement = TestData.NewImei(stockTac);
        var shipped = Ok(await ShipAsync(lineId, claimId, replacement, At("2026-06-02", 13)));
        Assert.Equal(replacement, shipped.Str("replacementImei"));
        Assert.Equal(0, await StockAsync(stockTac));
    }

    [Fact]
    public async Task CLM_9_the_replacement_must_be_a_designated_model_of_the_same_kind_judged_before_stock()
    {
        var (lineId, _, _) = await EligibleLineAsync("android");
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        var unknownTac = TestData.NewTac();
        var notDesignated = await NewModelAsync("android", exchangeDesignated: false);
        var windows = await StockedModelAsync("windows", quantity: 0);
        var windowsStocked = await StockedModelAsync("windows", quantity: 4);

        AssertProblem(await ShipAsync(lineId, claimId, TestData.NewImei(unknownTac), At("2026-06-01", 13)), HttpStatusCode.UnprocessableEntity, "replacement_not_designated");
        AssertProblem(await ShipAsync(lineId, claimId, TestData.NewImei(notDesignated), At("2026-06-01", 13)), HttpStatusCode.UnprocessableEntity, "replacement_not_designated");
        // Another kind with no stock: not designated comes before out of stock.
        AssertProblem(await ShipAsync(lineId, claimId, TestData.NewImei(windows), At("2026-06-01", 13)), HttpStatusCode.UnprocessableEntity, "replacement_not_designated");
        AssertProblem(await ShipAsync(lineId, claimId, TestData.NewImei(windowsStocked), At("2026-06-01", 13)), HttpStatusCode.UnprocessableEntity, "replacement_not_designated");
        AssertProblem(await ShipAsync(lineId, claimId, "35345678901234", At("2026-06-01", 13)), HttpStatusCode.BadRequest, "invalid_imei");

        Assert.Equal(4, await StockAsync(windowsStocked));
        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Equal("exchange_pending", claim.Str("status"));
        Assert.Null(claim.Str("replacementImei"));
    }

    [Fact]
    public async Task CLM_9_a_windows_device_is_not_exchanged_for_an_android()
    {
        var (lineId, _, _) = await EligibleLineAsync("windows");
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        var android = await StockedModelAsync("android", quantity: 2);

        AssertProblem(await ShipAsync(lineId, claimId, TestData.NewImei(android), At("2026-06-01", 13)), HttpStatusCode.UnprocessableEntity, "replacement_not_designated");
        Assert.Equal(2, await StockAsync(android));
    }

    [Fact]
    public async Task CLM_9_REG_5_a_replacement_covered_on_another_line_is_409_and_takes_no_stock()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        // Another line's covered device, of a designated android model that is in stock.
        var (otherLine, otherImei, otherTac) = await NewCoveredLineAsync();
        await SetStockAsync(otherTac, 5);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");

        var refused = await ShipAsync(lineId, claimId, otherImei, At("2026-06-01", 13));

        AssertProblem(refused, HttpStatusCode.Conflict, "device_covered_elsewhere");
        Assert.Equal(5, await StockAsync(otherTac));
        Assert.Equal("exchange_pending", (await GetClaimAsync(lineId, claimId)).Str("status"));
        var other = await GetDeviceAsync(otherImei);
        Assert.Equal("covered", other.Str("status"));
        Assert.Equal(otherLine, other.Str("coveredByLineId"));
        // A fresh unit of the same model is fine.
        Ok(await ShipAsync(lineId, claimId, TestData.NewImei(otherTac), At("2026-06-01", 13)));
        Assert.Equal(4, await StockAsync(otherTac));
    }

    [Fact]
    public async Task CLM_9_the_faulty_covered_device_itself_cannot_be_shipped_as_its_exchange_device()
    {
        // The covered device's own model is designated (NewModelAsync's default) and in stock.
        var (lineId, imei, tac) = await EligibleLineAsync();
        await SetStockAsync(tac, 3);
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");

        var response = await ShipAsync(lineId, claimId, imei, At("2026-06-01", 13));

        // The device is covered (by this very line): refused as device_covered_elsewhere, naming CLM-9.
        AssertProblem(response, HttpStatusCode.Conflict, "device_covered_elsewhere", "CLM-9");
        Assert.Equal(3, await StockAsync(tac));
        Assert.Equal("exchange_pending", (await GetClaimAsync(lineId, claimId)).Str("status"));
        var device = await GetDeviceAsync(imei);
        Assert.Equal("covered", device.Str("status"));
        Assert.Equal(lineId, device.Str("coveredByLineId"));
    }

    [Fact]
    public async Task CLM_11_a_problem_reported_through_delivery_date_plus_2_days_is_recorded_without_changing_the_status()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        Ok(await ShipAsync(lineId, claimId, TestData.NewImei(stockTac), At("2026-06-02", 10)));
        Ok(await DeliverAsync(lineId, claimId, "2026-06-05T10:00:00+09:00"));

        var reported = Ok(await ReportDefectAsync(lineId, claimId, "2026-06-07T23:59:00+09:00"));

        Assert.Equal("completed", reported.Str("status"));
        AssertInstant("2026-06-07T23:59:00+09:00", reported.Str("initialDefectReportedAt"));
        Assert.Equal(5, Items(reported, "timeline").Count);
        AssertInstant("2026-06-07T23:59:00+09:00", (await GetClaimAsync(lineId, claimId)).Str("initialDefectReportedAt"));
        AssertHistoryEntry(await HistoryAsync(lineId), "claim_initial_defect_reported", claimId, "2026-06-07T23:59:00+09:00");
    }

    [Fact]
    public async Task CLM_11_a_report_on_delivery_date_plus_3_days_in_Japan_is_refused()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        Ok(await ShipAsync(lineId, claimId, TestData.NewImei(stockTac), At("2026-06-02", 10)));
        Ok(await DeliverAsync(lineId, claimId, "2026-06-05T10:00:00+09:00"));
        var historyBefore = (await HistoryAsync(lineId)).Count;

        // 2026-06-07T15:30Z is 2026-06-08 00:30 in Japan: delivery date + 3 days.
        var late = await ReportDefectAsync(lineId, claimId, "2026-06-07T15:30:00Z");

        AssertProblem(late, HttpStatusCode.UnprocessableEntity, "initial_defect_window_passed", "CLM-11");
        var claim = await GetClaimAsync(lineId, claimId);
        Assert.Equal("completed", claim.Str("status"));
        Assert.Null(claim.Str("initialDefectReportedAt"));
        Assert.Equal(historyBefore, (await HistoryAsync(lineId)).Count);
    }

    [Fact]
    public async Task CLM_11_an_initial_defect_report_is_only_for_a_completed_exchange()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var repaired = await RepairedClaimAsync(lineId, "2026-06-01");
        var claimId = await ExchangePendingClaimAsync(lineId, "2026-06-02");

        AssertProblem(await ReportDefectAsync(lineId, repaired.Str("claimId")!, At("2026-06-02", 9)), HttpStatusCode.Conflict, "invalid_claim_transition");
        AssertProblem(await ReportDefectAsync(lineId, claimId, At("2026-06-02", 13)), HttpStatusCode.Conflict, "invalid_claim_transition");
        Ok(await ShipAsync(lineId, claimId, TestData.NewImei(stockTac), At("2026-06-02", 14)));
        AssertProblem(await ReportDefectAsync(lineId, claimId, At("2026-06-02", 15)), HttpStatusCode.Conflict, "invalid_claim_transition");
        Assert.Null((await GetClaimAsync(lineId, repaired.Str("claimId")!)).Str("initialDefectReportedAt"));
        Assert.Null((await GetClaimAsync(lineId, claimId)).Str("initialDefectReportedAt"));
    }
}
