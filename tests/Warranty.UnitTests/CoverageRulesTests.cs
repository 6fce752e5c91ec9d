using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class CoverageRulesTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);
    private static readonly DateOnly Release = new(2023, 10, 15);

    private static LineState Line(DeviceKind kind = DeviceKind.Android, DateOnly? terminatedOn = null, DateTimeOffset? registeredAt = null) =>
        TestData.LineWithDevice(Start, TestData.Device(kind: kind, releaseDate: Release, registeredAt: registeredAt), terminatedOn);

    /// <summary>Coverage of device A on <paramref name="date"/>, with <paramref name="counts"/> claims in that date's contract year.</summary>
    private static CoverageView Evaluate(LineState line, DateOnly date, ClaimCounts? counts = null)
    {
        var facts = CoverageRules.FactsOf(line, TestData.ImeiA);
        if (counts is { } c && line.Option is { } option)
        {
            var year = ContractYear.Containing(option.CoverageStartDate, date).Start;
            facts = facts with
            {
                Claims = [.. Enumerable.Range(0, c.Claims).Select(i => new ClaimFact(year, year, null, i < c.Exchanges ? year : null))],
            };
        }

        return CoverageRules.Evaluate(facts, TestData.ImeiA, date);
    }

    // --- COV-2 ---

    [Theory]
    [InlineData("2023-10-15", "2026-10-15")]
    [InlineData("2023-10-31", "2026-10-31")]
    [InlineData("2024-02-29", "2027-02-28")]
    [InlineData("2025-12-31", "2028-12-31")]
    public void COV_2_natural_failure_is_covered_through_the_36_month_anniversary_of_the_release(string release, string until)
    {
        Assert.Equal(TestData.D(until), CoverageRules.NaturalFailureCoveredUntil(TestData.D(release)));
    }

    [Fact]
    public void COV_2_release_2023_10_15_natural_failure_is_covered_on_2026_10_15()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 10, 15));

        Assert.True(view.Covered);
        Assert.True(view.BreakageCovered);
        Assert.True(view.NaturalFailureCovered);
        Assert.Equal(new DateOnly(2026, 10, 15), view.NaturalFailureCoveredUntil);
        Assert.Empty(view.Rules);
    }

    [Fact]
    public void COV_2_release_2023_10_15_natural_failure_is_not_covered_on_2026_10_16_but_breakage_still_is()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 10, 16));

        Assert.True(view.Covered);
        Assert.True(view.BreakageCovered);
        Assert.False(view.NaturalFailureCovered);
        Assert.Equal(new DateOnly(2026, 10, 15), view.NaturalFailureCoveredUntil);
        Assert.Equal(["COV-2"], view.Rules);
    }

    [Fact]
    public void COV_2_breakage_is_covered_for_as_long_as_the_option_runs()
    {
        var view = Evaluate(Line(), new DateOnly(2031, 6, 1));

        Assert.True(view.Covered);
        Assert.True(view.BreakageCovered);
        Assert.False(view.NaturalFailureCovered);
    }

    // --- COV-4 ---

    [Fact]
    public void COV_4_start_2026_01_10_is_not_covered_on_2026_01_31()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 1, 31));

        Assert.False(view.Covered);
        Assert.False(view.BreakageCovered);
        Assert.False(view.NaturalFailureCovered);
        Assert.False(view.ExchangeAvailable);
        Assert.Null(view.NextExchangeFeeYen);
        Assert.Equal(["COV-4"], view.Rules);
    }

    [Fact]
    public void COV_4_start_2026_01_10_is_covered_from_2026_02_01()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 2, 1));

        Assert.True(view.Covered);
        Assert.True(view.BreakageCovered);
        Assert.True(view.NaturalFailureCovered);
        Assert.Empty(view.Rules);
        Assert.Equal(new DateOnly(2026, 2, 1), Line().Option!.CoverageStartDate);
    }

    // --- COV-7 ---

    [Fact]
    public void COV_7_the_device_is_covered_on_the_termination_date()
    {
        var view = Evaluate(Line(terminatedOn: new DateOnly(2026, 5, 3)), new DateOnly(2026, 5, 3));

        Assert.True(view.Covered);
        Assert.True(view.BreakageCovered);
        Assert.Empty(view.Rules);
    }

    [Fact]
    public void COV_7_the_device_is_not_covered_the_day_after_the_termination_date()
    {
        var view = Evaluate(Line(terminatedOn: new DateOnly(2026, 5, 3)), new DateOnly(2026, 5, 4));

        Assert.False(view.Covered);
        Assert.False(view.BreakageCovered);
        Assert.False(view.NaturalFailureCovered);
        Assert.False(view.ExchangeAvailable);
        Assert.Null(view.NextExchangeFeeYen);
        Assert.Equal(["COV-7"], view.Rules);
    }

    [Fact]
    public void COV_7_and_COV_4_an_option_terminated_before_coverage_started_names_both()
    {
        var line = Line(terminatedOn: new DateOnly(2026, 1, 20));

        Assert.Equal(["COV-4"], Evaluate(line, new DateOnly(2026, 1, 20)).Rules);
        Assert.Equal(["COV-4", "COV-7"], Evaluate(line, new DateOnly(2026, 1, 21)).Rules);
        Assert.Equal(["COV-7"], Evaluate(line, new DateOnly(2026, 2, 1)).Rules);
    }

    // --- REG-1 and ENR-2: only the registered device, from its registration ---

    [Fact]
    public void REG_1_an_option_without_a_registered_device_covers_nothing()
    {
        var line = TestData.LineWithOption(Start);

        var view = Evaluate(line, new DateOnly(2026, 3, 1));

        Assert.False(view.Covered);
        Assert.Equal("line-1", view.LineId);
        Assert.Equal(["REG-1"], view.Rules);
    }

    [Fact]
    public void REG_1_a_line_without_the_option_covers_nothing()
    {
        var view = Evaluate(TestData.LineWithoutOption(Start), new DateOnly(2026, 3, 1));

        Assert.False(view.Covered);
        Assert.Equal(["REG-1"], view.Rules);
    }

    [Fact]
    public void ENR_2_the_option_covers_only_its_current_device()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device(imei: TestData.ImeiB, releaseDate: Release));

        var other = CoverageRules.Evaluate(line, TestData.ImeiA, new DateOnly(2026, 3, 1));
        var current = CoverageRules.Evaluate(line, TestData.ImeiB, new DateOnly(2026, 3, 1));

        Assert.False(other.Covered);
        Assert.Equal(["REG-1"], other.Rules);
        Assert.True(current.Covered);
        Assert.Equal(TestData.ImeiB, current.Imei);
    }

    [Fact]
    public void REG_1_a_device_is_covered_from_the_Japan_date_of_its_registration()
    {
        // 2026-02-04T15:30Z is 2026-02-05 00:30 in Japan.
        var line = Line(registeredAt: new DateTimeOffset(2026, 2, 4, 15, 30, 0, TimeSpan.Zero));

        var before = Evaluate(line, new DateOnly(2026, 2, 4));
        var on = Evaluate(line, new DateOnly(2026, 2, 5));

        Assert.False(before.Covered);
        Assert.Equal(["REG-1"], before.Rules);
        Assert.True(on.Covered);
        Assert.Empty(on.Rules);
    }

    // --- CLM-1, CLM-2, CLM-3 as the coverage lookup reports them ---

    [Fact]
    public void CLM_1_and_CLM_3_with_no_claim_two_remain_and_an_exchange_costs_4400()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 3, 1));

        Assert.Equal(2, view.ClaimsRemaining);
        Assert.True(view.ExchangeAvailable);
        Assert.Equal(4_400, view.NextExchangeFeeYen);
    }

    [Fact]
    public void CLM_3_after_one_repair_the_exchange_costs_8800()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 3, 1), new ClaimCounts(1, 0));

        Assert.Equal(1, view.ClaimsRemaining);
        Assert.True(view.ExchangeAvailable);
        Assert.Equal(8_800, view.NextExchangeFeeYen);
    }

    [Fact]
    public void CLM_1_with_two_claims_counted_none_remain_and_no_exchange_is_offered_but_the_device_stays_covered()
    {
        var view = Evaluate(Line(), new DateOnly(2026, 3, 1), new ClaimCounts(2, 1));

        Assert.True(view.Covered);
        Assert.Equal(0, view.ClaimsRemaining);
        Assert.False(view.ExchangeAvailable);
        Assert.Null(view.NextExchangeFeeYen);
        Assert.Empty(view.Rules);
    }

    [Theory]
    [InlineData(DeviceKind.Android, true)]
    [InlineData(DeviceKind.Windows, true)]
    [InlineData(DeviceKind.Ios, false)]
    [InlineData(DeviceKind.Router, false)]
    public void CLM_2_android_and_windows_may_be_exchanged_ios_and_routers_only_repaired(DeviceKind kind, bool exchangeable)
    {
        Assert.Equal(exchangeable, CoverageRules.ExchangeableKind(kind));
    }

    [Theory]
    [InlineData(DeviceKind.Android, true)]
    [InlineData(DeviceKind.Windows, true)]
    [InlineData(DeviceKind.Ios, false)]
    [InlineData(DeviceKind.Router, false)]
    public void CLM_2_the_coverage_lookup_offers_an_exchange_only_for_exchangeable_kinds(DeviceKind kind, bool exchangeable)
    {
        var view = Evaluate(Line(kind), new DateOnly(2026, 3, 1));

        Assert.True(view.Covered);
        Assert.Equal(2, view.ClaimsRemaining);
        Assert.Equal(exchangeable, view.ExchangeAvailable);
        Assert.Equal(exchangeable ? 4_400 : null, view.NextExchangeFeeYen);
    }

    [Fact]
    public void CLM_1_the_contract_year_of_a_date_reports_counted_and_remaining_claims()
    {
        var option = Line().Option!;

        var none = ClaimCounting.View(ContractYear.Containing(option.CoverageStartDate, new DateOnly(2026, 6, 1)), ClaimCounts.None);
        var one = ClaimCounting.View(ContractYear.Containing(option.CoverageStartDate, new DateOnly(2026, 6, 1)), new ClaimCounts(1, 1));
        var two = ClaimCounting.View(ContractYear.Containing(option.CoverageStartDate, new DateOnly(2026, 6, 1)), new ClaimCounts(2, 1));

        Assert.Equal(new ContractYearView(new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31), 0, 2, 0, 4_400), none);
        Assert.Equal(new ContractYearView(new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31), 1, 1, 1, 8_800), one);
        Assert.Equal(new ContractYearView(new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31), 2, 0, 1, null), two);
    }

    [Fact]
    public void CLM_1_remaining_claims_never_go_below_zero()
    {
        var view = ClaimCounting.View(ContractYear.Containing(Line().Option!.CoverageStartDate, new DateOnly(2026, 6, 1)), new ClaimCounts(3, 0));

        Assert.Equal(3, view.ClaimsCounted);
        Assert.Equal(0, view.ClaimsRemaining);
        Assert.Null(view.NextExchangeFeeYen);
    }

    [Fact]
    public void CLM_1_the_contract_year_follows_the_date_across_the_anniversary_of_coverage_start()
    {
        var option = Line().Option!;

        var last = ClaimCounting.View(ContractYear.Containing(option.CoverageStartDate, new DateOnly(2027, 1, 31)), ClaimCounts.None);
        var next = ClaimCounting.View(ContractYear.Containing(option.CoverageStartDate, new DateOnly(2027, 2, 1)), ClaimCounts.None);

        Assert.Equal((new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31)), (last.Start, last.End));
        Assert.Equal((new DateOnly(2027, 2, 1), new DateOnly(2028, 1, 31)), (next.Start, next.End));
    }

    [Theory]
    [InlineData(1, 4_400, 400)]
    [InlineData(2, 8_800, 800)]
    public void CLM_3_the_exchange_fee_by_use_number_is_tax_inclusive(int use, int fee, int tax)
    {
        Assert.Equal(fee, Terms.ExchangeFeeYen(use));
        Assert.Equal(tax, Terms.TaxOf(fee));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void CLM_3_there_is_no_exchange_fee_beyond_the_second_use(int use)
    {
        Assert.Null(Terms.ExchangeFeeYen(use));
    }

    // --- what the lookup reports besides ---

    [Fact]
    public void COV_5_the_lookup_reports_the_last_usage_on_or_before_the_date_without_changing_covered()
    {
        var line = Line();
        line = line with
        {
            Usage = UsageRules.Record(UsageRules.Record(line.Usage, TestData.ImeiA, new DateOnly(2026, 2, 10)), TestData.ImeiA, new DateOnly(2026, 3, 5)),
        };

        var view = Evaluate(line, new DateOnly(2026, 3, 1));
        var longAfter = Evaluate(line, new DateOnly(2026, 9, 1));

        Assert.Equal(new DateOnly(2026, 2, 10), view.LastUsageDate);
        Assert.Equal(new DateOnly(2026, 3, 5), longAfter.LastUsageDate);
        Assert.True(longAfter.Covered);
        Assert.Null(Evaluate(Line(), new DateOnly(2026, 3, 1)).LastUsageDate);
    }

    [Fact]
    public void NotCovered_reports_nothing_but_the_rules()
    {
        var view = CoverageRules.NotCovered(TestData.ImeiA, new DateOnly(2026, 3, 1), null, "CLM-8");

        Assert.Equal(
            new CoverageView(TestData.ImeiA, new DateOnly(2026, 3, 1), false, null, false, false, null, null, null, false, null, view.Rules),
            view);
        Assert.Equal(["CLM-8"], view.Rules);
    }
}
