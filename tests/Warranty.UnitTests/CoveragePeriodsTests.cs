using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

/// <summary>"Time" under COV: coverage periods, claims counted over dates, and answers read as of a date.</summary>
public class CoveragePeriodsTests
{
    /// <summary>CLM-1 as of <paramref name="date"/>: the claims and exchanges counted in its contract year.</summary>
    private static ClaimCounts CountsAsOf(IReadOnlyList<ClaimFact> facts, DateOnly coverageStart, DateOnly date)
    {
        var year = ClaimCounting.YearAsOf(coverageStart, facts, date);
        return new ClaimCounts(year.ClaimsCounted, year.ExchangesCounted);
    }

    private static readonly DateOnly Start = new(2026, 1, 10);

    private static CoveredDevice A => TestData.Device(TestData.ImeiA, registeredAt: TestData.JapanInstant(2026, 1, 12));

    private static CoveredDevice B(int month, int day) => TestData.Device(TestData.ImeiB, registeredAt: TestData.JapanInstant(2026, month, day));

    private static LineState Line(IReadOnlyList<CoveredPeriod> periods, CoveredDevice? current, DateOnly? terminatedOn = null, DateOnly? cancelledOn = null)
    {
        var line = TestData.LineWithDevice(Start, A, terminatedOn);
        return line with
        {
            CancelledOn = cancelledOn,
            Option = line.Option! with { Device = current, Periods = periods },
        };
    }

    private static CoverageView On(LineState line, string imei, string date) => CoverageRules.Evaluate(line, imei, TestData.D(date));

    [Fact]
    public void CLM_9_a_change_covers_the_new_device_from_its_date_and_the_old_one_through_the_day_before()
    {
        var periods = CoveragePeriods.Change([new CoveredPeriod(A, new DateOnly(2026, 1, 12))], B(6, 5), new DateOnly(2026, 6, 5), CoverageEndReason.Replaced, "CLM-9");
        var line = Line(periods, B(6, 5));

        Assert.True(On(line, TestData.ImeiA, "2026-06-04").Covered);
        Assert.Equal(["CLM-9"], On(line, TestData.ImeiA, "2026-06-05").Rules);
        Assert.Null(On(line, TestData.ImeiA, "2026-06-05").LineId);
        Assert.Equal(["REG-1"], On(line, TestData.ImeiB, "2026-06-04").Rules);
        Assert.True(On(line, TestData.ImeiB, "2026-06-05").Covered);
    }

    [Fact]
    public void REG_4_a_device_registered_and_corrected_on_the_same_date_is_covered_on_no_date()
    {
        var periods = CoveragePeriods.Change([new CoveredPeriod(A, new DateOnly(2026, 1, 12))], B(1, 12), new DateOnly(2026, 1, 12), CoverageEndReason.Released, "REG-4");
        var line = Line(periods, B(1, 12));

        Assert.Equal(["REG-4"], On(line, TestData.ImeiA, "2026-03-01").Rules);
        Assert.True(On(line, TestData.ImeiB, "2026-03-01").Covered);
        Assert.Null(CoveragePeriods.View("L", CoveragePeriods.FactsOf(periods, TestData.ImeiA)[0], null, false));
    }

    [Fact]
    public void CLM_8_an_excluded_device_is_covered_through_the_day_before_the_inspection()
    {
        var periods = CoveragePeriods.End([new CoveredPeriod(A, new DateOnly(2026, 1, 12))], new DateOnly(2026, 6, 2), CoverageEndReason.Excluded, "CLM-8");
        var line = Line(periods, null);

        Assert.True(On(line, TestData.ImeiA, "2026-06-02").Covered);
        Assert.Equal(["CLM-8"], On(line, TestData.ImeiA, "2026-06-03").Rules);
    }

    [Theory]
    [InlineData(false, CoverageEndReason.Terminated)]
    [InlineData(true, CoverageEndReason.Cancelled)]
    public void COV_7_the_termination_ends_the_open_period_on_its_date(bool cancelled, CoverageEndReason reason)
    {
        var end = new DateOnly(2026, 6, 10);
        var periods = new List<CoveredPeriod> { new(A, new DateOnly(2026, 1, 12)) };
        var line = Line(periods, A, end, cancelled ? end : null);

        Assert.True(On(line, TestData.ImeiA, "2026-06-10").Covered);
        var after = On(line, TestData.ImeiA, "2026-06-11");
        Assert.Equal(["COV-7"], after.Rules);
        Assert.Equal(line.LineId, after.LineId);
        var facts = CoverageRules.FactsOf(line, TestData.ImeiA);
        var view = CoveragePeriods.View(line.LineId, facts.Periods[0], facts.TerminatedOn, facts.Cancelled);
        Assert.Equal(new CoveragePeriod(line.LineId, new DateOnly(2026, 1, 12), end, reason), view);
    }

    [Fact]
    public void CLM_1_a_claim_counts_from_its_acceptance_through_the_day_before_its_withdrawal()
    {
        var claim = new ClaimState
        {
            ClaimId = "C0001",
            ReceivedAt = TestData.JapanInstant(2026, 6, 1, 10),
            ContractYearStart = new DateOnly(2026, 2, 1),
            CountsTowardLimit = false,
            Status = ClaimStatus.Withdrawn,
            Timeline = [new(ClaimStatus.Received, TestData.JapanInstant(2026, 6, 1, 10)), new(ClaimStatus.Withdrawn, TestData.JapanInstant(2026, 6, 3, 9))],
        };
        var facts = ClaimCounting.FactsOf([claim]);
        var start = new DateOnly(2026, 2, 1);

        Assert.Equal(new ClaimCounts(0, 0), CountsAsOf(facts, start, new DateOnly(2026, 5, 31)));
        Assert.Equal(new ClaimCounts(1, 0), CountsAsOf(facts, start, new DateOnly(2026, 6, 1)));
        Assert.Equal(new ClaimCounts(1, 0), CountsAsOf(facts, start, new DateOnly(2026, 6, 2)));
        Assert.Equal(new ClaimCounts(0, 0), CountsAsOf(facts, start, new DateOnly(2026, 6, 3)));
    }

    [Fact]
    public void CLM_1_a_claim_withdrawn_on_its_filing_date_counts_on_no_date()
    {
        var claim = new ClaimState
        {
            ReceivedAt = TestData.JapanInstant(2026, 6, 1, 10),
            CountsTowardLimit = false,
            Timeline = [new(ClaimStatus.Received, TestData.JapanInstant(2026, 6, 1, 10)), new(ClaimStatus.Withdrawn, TestData.JapanInstant(2026, 6, 1, 15))],
        };

        Assert.Null(ClaimCounting.FactOf(claim));
    }

    [Fact]
    public void CLM_3_a_claim_counts_as_an_exchange_from_the_inspection_that_decided_it()
    {
        var claim = new ClaimState
        {
            ReceivedAt = TestData.JapanInstant(2026, 6, 1, 10),
            ContractYearStart = new DateOnly(2026, 2, 1),
            CountsTowardLimit = true,
            Service = ClaimService.Exchange,
            Timeline =
            [
                new(ClaimStatus.Received, TestData.JapanInstant(2026, 6, 1, 10)),
                new(ClaimStatus.Inspecting, TestData.JapanInstant(2026, 6, 2, 10)),
                new(ClaimStatus.ExchangePending, TestData.JapanInstant(2026, 6, 4, 10)),
            ],
        };
        var facts = ClaimCounting.FactsOf([claim]);
        var start = new DateOnly(2026, 2, 1);

        Assert.Equal(new ClaimCounts(1, 0), CountsAsOf(facts, start, new DateOnly(2026, 6, 3)));
        Assert.Equal(new ClaimCounts(1, 1), CountsAsOf(facts, start, new DateOnly(2026, 6, 4)));
    }

    [Fact]
    public void COV_time_periods_are_derived_from_the_history_and_claims_of_a_state_stored_without_them()
    {
        var line = TestData.LineWithDevice(Start, B(6, 5)) with
        {
            History =
            [
                new HistoryEntry(TestData.JapanInstant(2026, 1, 12), "device_registered", "t", new Dictionary<string, string?> { ["imei"] = TestData.ImeiA, ["model"] = "Phone 1" }),
            ],
            Claims =
            [
                new ClaimState
                {
                    ClaimId = "C0001",
                    Imei = TestData.ImeiA,
                    Status = ClaimStatus.Completed,
                    Service = ClaimService.Exchange,
                    ReceivedAt = TestData.JapanInstant(2026, 6, 1),
                    Replacement = B(6, 5),
                    DeliveredAt = TestData.JapanInstant(2026, 6, 5, 14),
                },
            ],
        };

        var periods = CoveragePeriods.Of(line);

        Assert.Equal(
            [(TestData.ImeiA, new DateOnly(2026, 1, 12), (DateOnly?)new DateOnly(2026, 6, 4), (CoverageEndReason?)CoverageEndReason.Replaced, "CLM-9"),
             (TestData.ImeiB, new DateOnly(2026, 6, 5), null, null, null)],
            periods.Select(p => (p.Device.Imei, p.From, p.Until, p.EndReason, p.EndRule)));
    }
}
