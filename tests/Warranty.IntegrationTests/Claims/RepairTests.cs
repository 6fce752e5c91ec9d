using System.Net;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Claims;

/// <summary>Repairs: CLM-4 (cap), CLM-5 (free repair at the maker), CLM-6 (maker replacement), CLM-12 (loaner).</summary>
public sealed class RepairTests(ApiFactory factory) : ClaimTestBase(factory)
{
    [Fact]
    public async Task CLM_4_a_repair_cost_of_exactly_50000_yen_bills_no_excess()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: CapYen);

        Assert.Equal("completed", completed.Str("status"));
        Assert.Empty(Items(completed, "charges"));
        var june = await ChargesAsync(lineId, "2026-06");
        Assert.DoesNotContain(Items(june, "items"), i => i.Str("kind") == "excess_over_cap");
        var fee = Assert.Single(Items(june, "items"));
        AssertCharge(fee, "monthly_fee", null, "2026-06-01", 550, 50, true);
        AssertTotal(june, 550);
    }

    [Fact]
    public async Task CLM_4_one_yen_over_the_cap_is_billed_as_is_without_tax()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: CapYen + 1);

        var claimId = completed.Str("claimId");
        var own = Assert.Single(Items(completed, "charges"));
        AssertCharge(own, "excess_over_cap", claimId, "2026-06-01", 1, 0, false);
        var june = await ChargesAsync(lineId, "2026-06");
        AssertCharge(ChargeOf(Items(june, "items"), "excess_over_cap"), "excess_over_cap", claimId, "2026-06-01", 1, 0, false);
        Assert.Equal(2, Items(june, "items").Count);
        AssertTotal(june, 551);
    }

    [Fact]
    public async Task CLM_4_a_large_excess_is_the_cost_minus_50000()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 87_654);

        AssertCharge(Assert.Single(Items(completed, "charges")), "excess_over_cap", completed.Str("claimId"), "2026-06-01", 37_654, 0, false);
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550 + 37_654);
    }

    [Fact]
    public async Task CLM_5_CLM_3_a_repair_completes_with_no_fee_as_1st_and_2nd_use()
    {
        var (lineId, imei, _) = await EligibleLineAsync();

        var first = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 30_000);
        var second = await RepairedClaimAsync(lineId, "2026-06-02", repairCostYen: 0);

        foreach (var claim in new[] { first, second })
        {
            Assert.Equal("completed", claim.Str("status"));
            Assert.Equal("repair", claim.Str("service"));
            Assert.Equal("true", claim.Str("countsTowardLimit"));
            Assert.Equal(imei, claim.Str("imei"));
            Assert.Null(claim.Str("replacementImei"));
            Assert.Empty(Items(claim, "charges"));
        }

        var june = await ChargesAsync(lineId, "2026-06");
        AssertCharge(Assert.Single(Items(june, "items")), "monthly_fee", null, "2026-06-01", 550, 50, true);
        AssertTotal(june, 550);
        AssertContractYear(await GetLineAsync(lineId), counted: 2, remaining: 0, exchanges: 0, nextExchangeFeeYen: null);
        Assert.Equal(imei, (await GetLineAsync(lineId)).Str("option.coveredImei"));
    }

    [Fact]
    public async Task CLM_5_repair_completion_requires_a_cost()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));
        Ok(await InspectAsync(lineId, claimId, "repair"));

        AssertProblem(await StepAsync(lineId, claimId, "repair-completion", new { at = CompletedAt }), HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("repairing", (await GetClaimAsync(lineId, claimId)).Str("status"));
    }

    [Fact]
    public async Task CLM_6_a_maker_replacement_stays_a_repair_and_the_new_unit_becomes_the_covered_device()
    {
        var (lineId, oldImei, tac) = await EligibleLineAsync();
        var makerUnit = TestData.NewImei(tac);

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 60_000, makerReplacementImei: makerUnit);

        Assert.Equal("completed", completed.Str("status"));
        Assert.Equal("repair", completed.Str("service"));
        Assert.Equal(oldImei, completed.Str("imei"));
        Assert.Equal("true", completed.Str("countsTowardLimit"));
        AssertTimeline(completed, ("received", At("2026-06-01", 10)), ("inspecting", At("2026-06-01", 11)), ("repairing", At("2026-06-01", 12)), ("completed", At("2026-06-01", 13)));
        // No fee (a repair), but the excess over the cap is billed.
        var own = Assert.Single(Items(completed, "charges"));
        AssertCharge(own, "excess_over_cap", completed.Str("claimId"), "2026-06-01", 10_000, 0, false);
        var june = await ChargesAsync(lineId, "2026-06");
        Assert.DoesNotContain(Items(june, "items"), i => i.Str("kind") is "exchange_fee" or "cod_fee");
        AssertTotal(june, 550 + 10_000);

        var line = await GetLineAsync(lineId);
        Assert.Equal(makerUnit, line.Str("option.coveredImei"));
        AssertContractYear(line, counted: 1, remaining: 1, exchanges: 0, nextExchangeFeeYen: 8800);
        var newDevice = await GetDeviceAsync(makerUnit);
        Assert.Equal("covered", newDevice.Str("status"));
        Assert.Equal(lineId, newDevice.Str("coveredByLineId"));
        Assert.Equal(oldImei, newDevice.Str("replacesImei"));
        var oldDevice = await GetDeviceAsync(oldImei);
        Assert.Equal("replaced", oldDevice.Str("status"));
        Assert.Equal(makerUnit, oldDevice.Str("replacedByImei"));
        var (_, oldCoverage) = await Http.GetJsonAsync($"/v1/devices/{oldImei}/coverage?date=2026-06-15");
        Assert.Equal("false", oldCoverage.Str("covered"));
        var (_, newCoverage) = await Http.GetJsonAsync($"/v1/devices/{makerUnit}/coverage?date=2026-06-15");
        Assert.Equal("true", newCoverage.Str("covered"));
    }

    [Fact]
    public async Task CLM_6_a_maker_replacement_within_the_cap_bills_nothing()
    {
        var (lineId, _, tac) = await EligibleLineAsync();
        var makerUnit = TestData.NewImei(tac);

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 45_000, makerReplacementImei: makerUnit);

        Assert.Empty(Items(completed, "charges"));
        Assert.Equal(makerUnit, (await GetLineAsync(lineId)).Str("option.coveredImei"));
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550);
    }

    [Fact]
    public async Task CLM_6_a_malformed_maker_replacement_imei_is_400_and_changes_nothing()
    {
        var (lineId, imei, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId);
        Ok(await ReceiveAsync(lineId, claimId));
        Ok(await InspectAsync(lineId, claimId, "repair"));

        AssertProblem(await CompleteRepairAsync(lineId, claimId, 1_000, CompletedAt, "4901234567890"), HttpStatusCode.BadRequest, "invalid_imei");

        Assert.Equal("repairing", (await GetClaimAsync(lineId, claimId)).Str("status"));
        Assert.Equal(imei, (await GetLineAsync(lineId)).Str("option.coveredImei"));
    }

    [Fact]
    public async Task CLM_12_loaner_shipping_is_charged_when_a_repair_with_a_loaner_completes()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId, "screen_crack", FiledAt, loanerRequested: true);
        Assert.Equal("true", (await GetClaimAsync(lineId, claimId)).Str("loanerRequested"));
        Ok(await ReceiveAsync(lineId, claimId));
        var repairing = Ok(await InspectAsync(lineId, claimId, "repair"));
        // Nothing is charged before the repair completes.
        Assert.Empty(Items(repairing, "charges"));
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550);

        var completed = Ok(await CompleteRepairAsync(lineId, claimId, 20_000, "2026-06-09T10:00:00+09:00"));

        AssertCharge(Assert.Single(Items(completed, "charges")), "loaner_shipping", claimId, "2026-06-09", 1100, 100, true);
        var june = await ChargesAsync(lineId, "2026-06");
        AssertCharge(ChargeOf(Items(june, "items"), "loaner_shipping"), "loaner_shipping", claimId, "2026-06-09", 1100, 100, true);
        AssertTotal(june, 550 + 1100);
    }

    [Fact]
    public async Task CLM_12_CLM_4_CLM_6_loaner_and_excess_are_both_charged_on_a_maker_replacement()
    {
        var (lineId, _, tac) = await EligibleLineAsync();

        var completed = await RepairedClaimAsync(lineId, "2026-06-03", repairCostYen: 52_500, makerReplacementImei: TestData.NewImei(tac), loanerRequested: true);

        var claimId = completed.Str("claimId");
        var own = Items(completed, "charges");
        Assert.Equal(2, own.Count);
        AssertCharge(ChargeOf(own, "excess_over_cap"), "excess_over_cap", claimId, "2026-06-03", 2_500, 0, false);
        AssertCharge(ChargeOf(own, "loaner_shipping"), "loaner_shipping", claimId, "2026-06-03", 1_100, 100, true);
        var june = await ChargesAsync(lineId, "2026-06");
        Assert.Equal(3, Items(june, "items").Count);
        AssertTotal(june, 550 + 2_500 + 1_100);
    }

    [Fact]
    public async Task CLM_12_without_a_loaner_request_there_is_no_shipping_charge()
    {
        var (lineId, _, _) = await EligibleLineAsync();

        var completed = await RepairedClaimAsync(lineId, "2026-06-01", repairCostYen: 20_000, loanerRequested: false);

        Assert.Equal("false", completed.Str("loanerRequested"));
        Assert.Empty(Items(completed, "charges"));
        Assert.DoesNotContain(Items(await ChargesAsync(lineId, "2026-06"), "items"), i => i.Str("kind") == "loaner_shipping");
    }

    [Fact]
    public async Task CLM_12_a_withdrawn_claim_with_a_loaner_request_is_not_charged()
    {
        var (lineId, _, _) = await EligibleLineAsync();
        var claimId = await FileIdAsync(lineId, "screen_crack", FiledAt, loanerRequested: true);

        var withdrawn = Ok(await WithdrawAsync(lineId, claimId));

        Assert.Empty(Items(withdrawn, "charges"));
        AssertTotal(await ChargesAsync(lineId, "2026-06"), 550);
    }
}
