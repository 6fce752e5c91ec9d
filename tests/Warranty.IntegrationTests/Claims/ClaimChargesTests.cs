using System.Text.Json.Nodes;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>Per-claim charges: BIL-4 (which month), CLM-3 (fee by use number), CLM-10 (cash-on-delivery fee).</summary>
public sealed class ClaimChargesTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Fact]
    public async Task BIL_4_CLM_3_CLM_10_the_exchange_fee_and_cod_fee_fall_on_the_Japan_delivery_date()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var claimId = await FileIdAsync(lineId, "screen_crack", "2026-05-25T10:00:00+09:00");
        Ok(await ReceiveAsync(lineId, claimId, "2026-05-26T10:00:00+09:00"));
        Ok(await InspectAsync(lineId, claimId, "exchange", "2026-05-27T10:00:00+09:00"));
        var shipped = Ok(await ShipAsync(lineId, claimId, TestData.NewImei(stockTac), "2026-05-28T10:00:00+09:00"));
        // Nothing is charged at shipment.
        Assert.Empty(Items(shipped, "charges"));
        AssertTotal(await ChargesAsync(lineId, "2026-05"), 0);

        // 2026-05-31T16:30Z is 2026-06-01 01:30 in Japan.
        var delivered = Ok(await DeliverAsync(lineId, claimId, "2026-05-31T16:30:00Z"));

        var own = Items(delivered, "charges");
        Assert.Equal(2, own.Count);
        AssertCharge(ChargeOf(own, "exchange_fee"), "exchange_fee", claimId, "2026-06-01", 4_400, 400, true);
        AssertCharge(ChargeOf(own, "cod_fee"), "cod_fee", claimId, "2026-06-01", 330, 30, true);
        var may = await ChargesAsync(lineId, "2026-05");
        Assert.Empty(Items(may, "items"));
        AssertTotal(may, 0);
        var june = await ChargesAsync(lineId, "2026-06");
        var items = Items(june, "items");
        Assert.Equal(3, items.Count);
        AssertCharge(ChargeOf(items, "monthly_fee"), "monthly_fee", null, "2026-06-01", 550, 50, true);
        AssertCharge(ChargeOf(items, "exchange_fee"), "exchange_fee", claimId, "2026-06-01", 4_400, 400, true);
        AssertCharge(ChargeOf(items, "cod_fee"), "cod_fee", claimId, "2026-06-01", 330, 30, true);
        AssertTotal(june, 550 + 4_400 + 330);
        AssertTotal(await ChargesAsync(lineId, "2026-07"), 550);
    }

    [Fact]
    public async Task BIL_4_CLM_4_CLM_12_repair_charges_fall_in_the_month_the_repair_completes()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        // Completed in May: excess 100 yen.
        var mayClaim = await FileIdAsync(lineId, "screen_crack", "2026-05-21T10:00:00+09:00");
        Ok(await ReceiveAsync(lineId, mayClaim, "2026-05-21T11:00:00+09:00"));
        Ok(await InspectAsync(lineId, mayClaim, "repair", "2026-05-21T12:00:00+09:00"));
        Ok(await CompleteRepairAsync(lineId, mayClaim, 50_100, "2026-05-21T13:00:00+09:00"));
        // Filed in May, completed 2026-06-01 00:10 in Japan: excess 20,000 yen and loaner shipping.
        var juneClaim = await FileIdAsync(lineId, "water_damage", "2026-05-25T10:00:00+09:00", loanerRequested: true);
        Ok(await ReceiveAsync(lineId, juneClaim, "2026-05-26T10:00:00+09:00"));
        Ok(await InspectAsync(lineId, juneClaim, "repair", "2026-05-27T10:00:00+09:00"));
        var completed = Ok(await CompleteRepairAsync(lineId, juneClaim, 70_000, "2026-05-31T15:10:00Z"));

        Assert.Equal(2, Items(completed, "charges").Count);
        var may = await ChargesAsync(lineId, "2026-05");
        AssertCharge(Assert.Single(Items(may, "items")), "excess_over_cap", mayClaim, "2026-05-21", 100, 0, false);
        AssertTotal(may, 100);
        var june = await ChargesAsync(lineId, "2026-06");
        var items = Items(june, "items");
        Assert.Equal(3, items.Count);
        AssertCharge(ChargeOf(items, "excess_over_cap"), "excess_over_cap", juneClaim, "2026-06-01", 20_000, 0, false);
        AssertCharge(ChargeOf(items, "loaner_shipping"), "loaner_shipping", juneClaim, "2026-06-01", 1_100, 100, true);
        AssertTotal(june, 550 + 20_000 + 1_100);
    }

    [Fact]
    public async Task CLM_3_an_exchange_costs_4400_as_the_1st_use_and_8800_as_the_2nd()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var replacement1 = TestData.NewImei(stockTac);

        var first = await ExchangedClaimAsync(lineId, "2026-06-01", replacement1);
        await RecordUsageAsync(lineId, replacement1, At("2026-06-02", 9));
        var (_, quote) = await QuoteAsync(lineId, "screen_crack", At("2026-06-03", 10));
        var second = await ExchangedClaimAsync(lineId, "2026-06-03", TestData.NewImei(stockTac));

        Assert.Equal("8800", quote.Str("exchangeFeeYen"));
        AssertCharge(ChargeOf(Items(first, "charges"), "exchange_fee"), "exchange_fee", first.Str("claimId"), "2026-06-01", 4_400, 400, true);
        AssertCharge(ChargeOf(Items(second, "charges"), "exchange_fee"), "exchange_fee", second.Str("claimId"), "2026-06-03", 8_800, 800, true);
        var june = await ChargesAsync(lineId, "2026-06");
        var items = Items(june, "items");
        Assert.Equal(5, items.Count);
        Assert.Equal(2, items.Count(i => i.Str("kind") == "cod_fee"));
        Assert.All(items.Where(i => i.Str("kind") == "cod_fee"), i => Assert.Equal("330", i.Str("amountYen")));
        AssertTotal(june, 550 + 4_400 + 330 + 8_800 + 330);
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 2, nextExchangeFeeYen: null);
    }

    [Fact]
    public async Task CLM_3_a_repair_then_an_exchange_costs_8800()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var repair = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 10_000);
        Assert.Empty(Items(repair, "charges"));

        var exchange = await ExchangedClaimAsync(lineId, "2026-06-02", TestData.NewImei(stockTac));

        var own = Items(exchange, "charges");
        Assert.Equal(2, own.Count);
        AssertCharge(ChargeOf(own, "exchange_fee"), "exchange_fee", exchange.Str("claimId"), "2026-06-02", 8_800, 800, true);
        AssertCharge(ChargeOf(own, "cod_fee"), "cod_fee", exchange.Str("claimId"), "2026-06-02", 330, 30, true);
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550 + 8_800 + 330);
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 1, nextExchangeFeeYen: null);
    }

    [Theory]
    [InlineData("withdrawn")]
    [InlineData("rejected")]
    public async Task CLM_1_CLM_3_an_uncounted_earlier_claim_leaves_the_exchange_the_1st_use(string end)
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var earlier = await FileIdAsync(lineId, "screen_crack", At("2026-06-01", 10));
        if (end == "withdrawn")
        {
            Ok(await WithdrawAsync(lineId, earlier, At("2026-06-01", 11)));
        }
        else
        {
            Ok(await ReceiveAsync(lineId, earlier, At("2026-06-01", 11)));
            Ok(await InspectAsync(lineId, earlier, "reject", At("2026-06-01", 12), "no_fault_found"));
        }

        var exchange = await ExchangedClaimAsync(lineId, "2026-06-02", TestData.NewImei(stockTac));

        AssertCharge(ChargeOf(Items(exchange, "charges"), "exchange_fee"), "exchange_fee", exchange.Str("claimId"), "2026-06-02", 4_400, 400, true);
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550 + 4_400 + 330);
        Assert.Empty(Items(await GetClaimAsync(lineId, earlier), "charges"));
    }

    [Fact]
    public async Task CLM_1_CLM_3_an_earlier_claim_withdrawn_before_delivery_makes_the_exchange_the_1st_use()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var earlier = await FileIdAsync(lineId, "screen_crack", At("2026-06-01", 9));
        var exchange = await ExchangePendingClaimAsync(lineId, "2026-06-01");
        var (_, quote) = await QuoteAsync(lineId, "screen_crack", At("2026-06-01", 13));
        Assert.Null(quote.Str("exchangeFeeYen"));
        Ok(await ShipAsync(lineId, exchange, TestData.NewImei(stockTac), At("2026-06-02", 10)));

        Ok(await WithdrawAsync(lineId, earlier, At("2026-06-02", 11)));
        var delivered = Ok(await DeliverAsync(lineId, exchange, At("2026-06-03", 10)));

        AssertCharge(ChargeOf(Items(delivered, "charges"), "exchange_fee"), "exchange_fee", exchange, "2026-06-03", 4_400, 400, true);
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550 + 4_400 + 330);
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 1, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task CLM_3_BIL_4_the_use_number_restarts_with_each_contract_year()
    {
        // Coverage from 2025-05-01: April 2026 is in the 1st contract year, May 2026 in the 2nd.
        var (lineId, imei, _) = await OldLineAsync();
        var stockTac = await StockedModelAsync(quantity: 2);
        var replacement1 = TestData.NewImei(stockTac);
        await RecordUsageAsync(lineId, imei, "2026-04-01T10:00:00+09:00");
        await RepairedClaimAsync(lineId, "2026-04-05", repairCostYen: 5_000);
        var aprilExchange = await ExchangedClaimAsync(lineId, "2026-04-10", replacement1);
        await RecordUsageAsync(lineId, replacement1, "2026-04-20T10:00:00+09:00");

        var mayExchange = await ExchangedClaimAsync(lineId, "2026-05-05", TestData.NewImei(stockTac));

        Assert.Equal("2025-05-01", aprilExchange.Str("contractYearStart"));
        Assert.Equal("2026-05-01", mayExchange.Str("contractYearStart"));
        var april = await ChargesAsync(lineId, "2026-04");
        AssertCharge(ChargeOf(Items(april, "items"), "exchange_fee"), "exchange_fee", aprilExchange.Str("claimId"), "2026-04-10", 8_800, 800, true);
        AssertTotal(april, 550 + 8_800 + 330);
        var may = await ChargesAsync(lineId, "2026-05");
        AssertCharge(ChargeOf(Items(may, "items"), "exchange_fee"), "exchange_fee", mayExchange.Str("claimId"), "2026-05-05", 4_400, 400, true);
        AssertCharge(ChargeOf(Items(may, "items"), "cod_fee"), "cod_fee", mayExchange.Str("claimId"), "2026-05-05", 330, 30, true);
        AssertTotal(may, 550 + 4_400 + 330);
        Assert.Equal(0, await StockAsync(stockTac));
        AssertContractYear(await GetLineAsync(lineId), counted: 1, remaining: 1, exchanges: 1, nextExchangeFeeYen: 8800);
    }

    [Fact]
    public async Task BIL_4_a_claims_own_charges_are_exactly_its_items_on_the_line_statement()
    {
        var (lineId, _, tac) = await EligibleLineAsync();
        var stockTac = await StockedModelAsync();
        var repair = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 55_000, makerReplacementImei: TestData.NewImei(tac), loanerRequested: true);
        var covered = (await GetLineAsync(lineId)).Str("option.coveredImei")!;
        await RecordUsageAsync(lineId, covered, At("2026-06-02", 9));
        var exchange = await ExchangedClaimAsync(lineId, "2026-06-02", TestData.NewImei(stockTac));

        var june = await ChargesAsync(lineId, "2026-06");

        Assert.Equal(lineId, june.Str("lineId"));
        Assert.Equal("2026-06", june.Str("month"));
        foreach (var claim in new[] { repair, exchange })
        {
            var claimId = claim.Str("claimId");
            var onStatement = Items(june, "items").Where(i => i.Str("claimId") == claimId).Select(Describe).Order().ToArray();
            var own = Items(claim, "charges").Select(Describe).Order().ToArray();
            Assert.Equal(own, onStatement);
            Assert.Equal(2, own.Length);
        }

        AssertTotal(june, 550 + 5_000 + 1_100 + 8_800 + 330);
    }

    private static string Describe(JsonNode? item) =>
        $"{item.Str("kind")}|{item.Str("claimId")}|{item.Str("date")}|{item.Str("amountYen")}|{item.Str("taxYen")}|{item.Str("taxable")}";
}
