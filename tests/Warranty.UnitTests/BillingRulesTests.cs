using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class BillingRulesTests
{
    private static readonly DateOnly Start = new(2026, 1, 10);

    private static ChargeItem Fee(int year, int month) =>
        new(ChargeKind.MonthlyFee, null, new DateOnly(year, month, 1), 550, 50, true);

    private static LineState Terminated(DateOnly on)
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());
        return line with { Option = line.Option! with { TerminatedOn = on } };
    }

    [Fact]
    public void BIL_1_the_monthly_fee_is_550_yen_of_which_50_is_tax()
    {
        var items = BillingRules.MonthlyFees(TestData.LineWithDevice(Start, TestData.Device()), 2026, 3);

        var item = Assert.Single(items);
        Assert.Equal(ChargeKind.MonthlyFee, item.Kind);
        Assert.Null(item.ClaimId);
        Assert.Equal(new DateOnly(2026, 3, 1), item.Date);
        Assert.Equal(550, item.AmountYen);
        Assert.Equal(50, item.TaxYen);
        Assert.True(item.Taxable);
        Assert.Equal(50, Terms.TaxOf(550));
    }

    [Theory]
    [InlineData("2026-01-10", 2026, 3)]
    [InlineData("2026-01-01", 2026, 3)]
    [InlineData("2026-01-31", 2026, 3)]
    [InlineData("2025-11-30", 2026, 1)]
    [InlineData("2025-12-01", 2026, 2)]
    [InlineData("2025-12-31", 2026, 2)]
    public void BIL_2_the_first_charged_month_is_the_month_after_next_of_the_start_month(string start, int year, int month)
    {
        Assert.Equal((year, month), BillingRules.FirstChargedMonth(TestData.D(start)));
    }

    [Fact]
    public void BIL_2_start_2026_01_10_charges_nothing_in_January_and_February_and_550_with_tax_50_in_March()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());

        Assert.Empty(BillingRules.MonthlyFees(line, 2025, 12));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 1));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 2));
        Assert.Equal([Fee(2026, 3)], BillingRules.MonthlyFees(line, 2026, 3));
        Assert.Equal([Fee(2026, 4)], BillingRules.MonthlyFees(line, 2026, 4));
        Assert.Equal([Fee(2027, 1)], BillingRules.MonthlyFees(line, 2027, 1));
    }

    [Fact]
    public void BIL_2_a_December_start_is_first_charged_in_February_of_the_next_year()
    {
        var line = TestData.LineWithDevice(new DateOnly(2025, 12, 20), TestData.Device());

        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 1));
        Assert.Equal([Fee(2026, 2)], BillingRules.MonthlyFees(line, 2026, 2));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    [InlineData(31)]
    public void BIL_3_termination_in_May_charges_the_whole_of_May_and_nothing_after(int day)
    {
        var line = Terminated(new DateOnly(2026, 5, day));

        Assert.Equal([Fee(2026, 4)], BillingRules.MonthlyFees(line, 2026, 4));
        Assert.Equal([Fee(2026, 5)], BillingRules.MonthlyFees(line, 2026, 5));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 6));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 7));
        Assert.Empty(BillingRules.MonthlyFees(line, 2027, 5));
    }

    [Fact]
    public void BIL_3_termination_on_the_3rd_charges_that_month_in_full_and_not_the_next()
    {
        var line = Terminated(new DateOnly(2026, 5, 3));

        var may = Assert.Single(BillingRules.MonthlyFees(line, 2026, 5));

        Assert.Equal(550, may.AmountYen);
        Assert.Equal(50, may.TaxYen);
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 6));
    }

    [Fact]
    public void BIL_3_termination_across_a_year_end_charges_December_and_not_January()
    {
        var line = Terminated(new DateOnly(2026, 12, 31));

        Assert.Equal([Fee(2026, 12)], BillingRules.MonthlyFees(line, 2026, 12));
        Assert.Empty(BillingRules.MonthlyFees(line, 2027, 1));
    }

    [Theory]
    [InlineData(2026, 1)]
    [InlineData(2026, 2)]
    [InlineData(2026, 3)]
    public void BIL_2_and_BIL_3_an_option_terminated_before_its_first_charged_month_is_never_charged(int year, int month)
    {
        var line = Terminated(new DateOnly(2026, 2, 15));

        Assert.Empty(BillingRules.MonthlyFees(line, year, month));
    }

    [Fact]
    public void BIL_2_and_BIL_3_an_option_terminated_in_its_first_charged_month_is_charged_that_month()
    {
        var line = Terminated(new DateOnly(2026, 3, 1));

        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 2));
        Assert.Equal([Fee(2026, 3)], BillingRules.MonthlyFees(line, 2026, 3));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 4));
    }

    [Fact]
    public void ENR_3_a_line_cancellation_ends_the_fee_with_the_cancellation_month()
    {
        var line = TestData.LineWithDevice(Start, TestData.Device());
        line = line with
        {
            CancelledOn = new DateOnly(2026, 8, 20),
            Option = EnrollmentRules.OptionAfterCancellation(line.Option, new DateOnly(2026, 8, 20)),
        };

        Assert.Equal([Fee(2026, 8)], BillingRules.MonthlyFees(line, 2026, 8));
        Assert.Empty(BillingRules.MonthlyFees(line, 2026, 9));
    }

    [Fact]
    public void ENR_2_the_fee_is_charged_per_option_and_not_without_one()
    {
        Assert.Empty(BillingRules.MonthlyFees(TestData.LineWithoutOption(Start), 2026, 3));
        Assert.Single(BillingRules.MonthlyFees(TestData.LineWithDevice(Start, TestData.Device()), 2026, 3));
    }

    [Fact]
    public void REG_2_a_lapsed_unregistered_option_is_billed_until_terminated()
    {
        var line = TestData.LineWithOption(Start);
        Assert.Equal(OptionStatus.LapsedUnregistered, EnrollmentRules.StatusOf(line.Option!, new DateOnly(2026, 3, 1)));

        Assert.Equal([Fee(2026, 3)], BillingRules.MonthlyFees(line, 2026, 3));
        Assert.Equal([Fee(2027, 6)], BillingRules.MonthlyFees(line, 2027, 6));

        var terminated = line with { Option = line.Option! with { TerminatedOn = new DateOnly(2027, 6, 10) } };
        Assert.Equal([Fee(2027, 6)], BillingRules.MonthlyFees(terminated, 2027, 6));
        Assert.Empty(BillingRules.MonthlyFees(terminated, 2027, 7));
    }

    [Fact]
    public void BIL_4_a_statement_holds_the_months_fee_then_the_claim_charges_dated_in_that_month_archived_first()
    {
        var march = new ChargeItem(ChargeKind.ExchangeFee, "C0002", new DateOnly(2026, 3, 12), 4_400, 400, true);
        var april = new ChargeItem(ChargeKind.CodFee, "C0002", new DateOnly(2026, 4, 1), 330, 30, true);
        var archivedMarch = new ChargeItem(ChargeKind.LoanerShipping, "C0001", new DateOnly(2026, 3, 31), 1_100, 100, true);
        var archivedFebruary = new ChargeItem(ChargeKind.ExcessOverCap, "C0001", new DateOnly(2026, 2, 28), 2_000, 0, false);
        var line = TestData.LineWithDevice(Start, TestData.Device()) with
        {
            LineId = "line-1",
            Claims = [new ClaimState { ClaimId = "C0002", Charges = [march, april] }],
        };

        var statement = BillingRules.Statement(line, [archivedFebruary, archivedMarch], 2026, 3);

        Assert.Equal("line-1", statement.LineId);
        Assert.Equal("2026-03", statement.Month);
        Assert.Equal([Fee(2026, 3), archivedMarch, march], statement.Items);
        Assert.Equal(550 + 1_100 + 4_400, statement.TotalYen);
    }

    [Fact]
    public void BIL_2_a_statement_before_the_first_charged_month_with_no_claims_totals_zero()
    {
        var statement = BillingRules.Statement(TestData.LineWithDevice(Start, TestData.Device()), [], 2026, 2);

        Assert.Equal("2026-02", statement.Month);
        Assert.Equal(0, statement.TotalYen);
        Assert.Empty(statement.Items);
    }

    [Fact]
    public void BIL_2_BIL_3_fee_months_count_options_in_force_from_the_start_month_and_charged_from_the_month_after_next()
    {
        var march = JapanTime.MonthIndex(2026, 3);

        // Started 2026-01 (charged from 03, no end); started 2026-02 (charged from 04) and terminated 2026-04 (charged
        // through 04); started 2026-02 and terminated 2026-02, before its first charged month 04 (never charged).
        var options = new[] { (march, (int?)null, 3L), (march + 1, (int?)(march + 1), 2L), (march + 1, (int?)(march - 1), 1L) };

        var months = BillingRules.FeeMonths(options, march - 2, march + 2).ToList();

        Assert.Equal(
            [(march - 2, 3L, 0L), (march - 1, 6L, 0L), (march, 5L, 3L), (march + 1, 5L, 5L), (march + 2, 3L, 3L)],
            months);
    }
}
