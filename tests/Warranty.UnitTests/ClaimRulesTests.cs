using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>
/// The claim rules on their own, with no Orleans and no I/O: the contract year's limit (CLM-1), fees by use number
/// (CLM-3), the cap (CLM-4), what an exchange and a repair charge (CLM-10, CLM-12, BIL-4), the consent form (CLM-7)
/// and the order of a claim's steps.
/// </summary>
public class ClaimRulesTests
{
    // Service start 2026-01-10: coverage (and the first contract year) from 2026-02-01 to 2027-01-31 (COV-4, CLM-1).
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly DateOnly YearStart = new(2026, 2, 1);
    private static readonly DateOnly IncidentDate = new(2026, 6, 1);
    private static readonly FeeOptions Fees = new();

    /// <summary>The covered device was seen on the line a week before the incident (COV-5 passes).</summary>
    private static LineState Line(params ClaimState[] claims)
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());
        return line with { Usage = UsageRules.Record(line.Usage, TestData.ImeiA, IncidentDate.AddDays(-7)), Claims = claims };
    }

    private static ClaimState Claim(string id, DateOnly yearStart, bool counts = true, ClaimService? service = null) => new()
    {
        ClaimId = id,
        Imei = TestData.ImeiA,
        Kind = DeviceKind.Android,
        Status = ClaimStatus.Completed,
        ContractYearStart = yearStart,
        CountsTowardLimit = counts,
        Service = service,
    };

    [Fact]
    public void CLM_1_two_counted_claims_in_the_contract_year_refuse_a_third()
    {
        var decision = ClaimRules.Decide(Line(Claim("C0001", YearStart), Claim("C0002", YearStart, service: ClaimService.Exchange)), Incident.ScreenCrack, IncidentDate);

        Assert.Equal(["CLM-1"], decision.Rules);
        Assert.Equal(new ClaimCounts(2, 1), decision.Counts);
        Assert.Equal(YearStart, decision.Year.Start);
    }

    [Fact]
    public void CLM_1_a_withdrawn_or_rejected_claim_and_last_years_claims_do_not_count()
    {
        var lastYear = YearStart.AddYears(-1);
        var decision = ClaimRules.Decide(
            Line(Claim("C0001", YearStart, counts: false), Claim("C0002", lastYear), Claim("C0003", lastYear), Claim("C0004", YearStart)),
            Incident.ScreenCrack,
            IncidentDate);

        Assert.True(decision.Eligible);
        Assert.Equal(1, decision.Counts.Claims);
    }

    [Fact]
    public void CLM_3_the_fee_follows_the_use_number_repairs_and_exchanges_together()
    {
        var first = Claim("C0001", YearStart);
        var withdrawn = Claim("C0002", YearStart, counts: false);
        var second = Claim("C0003", YearStart);
        var claims = new[] { first, withdrawn, second };

        Assert.Equal(1, ClaimCounting.UseNumber(claims, first));
        Assert.Equal(2, ClaimCounting.UseNumber(claims, second));
        Assert.Equal(4_400, ClaimRules.Quote(ClaimRules.Decide(Line(), Incident.ScreenCrack, IncidentDate)).ExchangeFeeYen);
        Assert.Equal(8_800, ClaimRules.Quote(ClaimRules.Decide(Line(first), Incident.ScreenCrack, IncidentDate)).ExchangeFeeYen);
    }

    [Fact]
    public void CLM_3_the_next_fee_is_the_next_use_numbers_and_none_once_CLM_1_allows_no_more()
    {
        Assert.Equal(4_400, ClaimCounts.None.NextExchangeFeeYen);
        Assert.Equal(8_800, new ClaimCounts(1, 1).NextExchangeFeeYen);
        Assert.Null(new ClaimCounts(2, 0).NextExchangeFeeYen);
    }

    [Fact]
    public void CLM_3_and_CLM_10_an_exchange_charges_its_fee_and_the_cash_on_delivery_fee_in_the_delivery_month()
    {
        var delivered = new DateOnly(2026, 6, 5);

        var charges = ClaimRules.ExchangeCharges("C0001", 2, delivered, Fees);

        Assert.Equal(
            [
                new ChargeItem(ChargeKind.ExchangeFee, "C0001", delivered, 8_800, 800, true),
                new ChargeItem(ChargeKind.CodFee, "C0001", delivered, 330, 30, true),
            ],
            charges);
    }

    [Fact]
    public void CLM_4_and_CLM_12_a_repair_charges_the_cost_above_the_cap_untaxed_and_the_loaners_shipping()
    {
        var completed = new DateOnly(2026, 6, 4);

        Assert.Equal(
            [
                new ChargeItem(ChargeKind.ExcessOverCap, "C0001", completed, 12_000, 0, false),
                new ChargeItem(ChargeKind.LoanerShipping, "C0001", completed, 1_100, 100, true),
            ],
            ClaimRules.RepairCharges("C0001", 62_000, loaner: true, completed, Fees));
        Assert.Empty(ClaimRules.RepairCharges("C0002", 50_000, loaner: false, completed, Fees));
    }

    [Fact]
    public void CLM_4_the_quote_names_the_cap_and_the_excess_of_an_estimate()
    {
        var decision = ClaimRules.Decide(Line(), Incident.WaterDamage, IncidentDate);

        Assert.Equal(50_000, ClaimRules.Quote(decision, 62_000).CapYen);
        Assert.Equal(12_000, ClaimRules.Quote(decision, 62_000).ExcessYen);
        Assert.Equal(0, ClaimRules.Quote(decision, 30_000).ExcessYen);
        Assert.Null(ClaimRules.Quote(decision).ExcessYen);
    }

    [Fact]
    public void CLM_2_an_ios_device_is_quoted_repair_only()
    {
        var line = Line() with { Option = Line().Option! with { Device = TestData.Device(kind: DeviceKind.Ios) } };

        var quote = ClaimRules.Quote(ClaimRules.Decide(line, Incident.ScreenCrack, IncidentDate));

        Assert.True(quote.Eligible);
        Assert.False(quote.ExchangeAvailable);
        Assert.Null(quote.ExchangeFeeYen);
    }

    [Fact]
    public void CLM_7_without_the_consent_form_the_device_is_not_received()
    {
        Assert.Equal(["CLM-7"], ClaimRules.CheckReceipt(new DeviceReceipt(false, true, true, true, true))!.Rules);
        Assert.Null(ClaimRules.CheckReceipt(new DeviceReceipt(true, false, false, false, false)));
    }

    [Fact]
    public void A_step_needs_the_claim_in_its_status_and_a_time_not_before_the_last_step()
    {
        var at = TestData.JapanInstant(2026, 6, 2);
        var received = new ClaimState { ClaimId = "C0001", Status = ClaimStatus.Received, ReceivedAt = at, Timeline = [new TimelineEntry(ClaimStatus.Received, at)] };

        Assert.Null(ClaimRules.CheckStep(received, ClaimStepKind.DeviceReceipt, at.AddHours(1)));
        Assert.Equal(ErrorCodes.InvalidClaimTransition, ClaimRules.CheckStep(received, ClaimStepKind.Inspection, at.AddHours(1))!.Code);
        Assert.Equal(ErrorCodes.TimestampOutOfOrder, ClaimRules.CheckStep(received, ClaimStepKind.DeviceReceipt, at.AddHours(-1))!.Code);
    }
}
