using Warranty.Grains.Domain;

namespace Warranty.UnitTests;

public class ContractYearTests
{
    [Theory]
    [InlineData("2026-02-01", "2026-02-01", "2026-02-01", "2027-01-31")]
    [InlineData("2026-02-01", "2026-09-15", "2026-02-01", "2027-01-31")]
    [InlineData("2026-02-01", "2027-01-31", "2026-02-01", "2027-01-31")]
    [InlineData("2026-02-01", "2027-02-01", "2027-02-01", "2028-01-31")]
    [InlineData("2026-02-01", "2031-01-31", "2030-02-01", "2031-01-31")]
    [InlineData("2026-02-01", "2031-07-15", "2031-02-01", "2032-01-31")]
    [InlineData("2026-01-01", "2026-12-31", "2026-01-01", "2026-12-31")]
    [InlineData("2026-01-01", "2027-01-01", "2027-01-01", "2027-12-31")]
    [InlineData("2024-03-01", "2025-02-28", "2024-03-01", "2025-02-28")]
    [InlineData("2023-03-01", "2024-02-29", "2023-03-01", "2024-02-29")]
    [InlineData("2023-03-01", "2024-03-01", "2024-03-01", "2025-02-28")]
    [InlineData("2025-12-01", "2026-11-30", "2025-12-01", "2026-11-30")]
    [InlineData("2025-12-01", "2026-12-01", "2026-12-01", "2027-11-30")]
    public void CLM_1_a_contract_year_is_12_months_from_the_coverage_start_and_its_anniversaries(
        string coverageStart, string date, string start, string end)
    {
        var year = ContractYear.Containing(TestData.D(coverageStart), TestData.D(date));

        Assert.Equal(new ContractYear(TestData.D(start), TestData.D(end)), year);
    }

    [Theory]
    [InlineData("2026-01-10")]
    [InlineData("2026-01-31")]
    [InlineData("2025-06-30")]
    public void CLM_1_a_date_before_coverage_starts_belongs_to_the_first_contract_year(string date)
    {
        var year = ContractYear.Containing(new DateOnly(2026, 2, 1), TestData.D(date));

        Assert.Equal(new ContractYear(new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31)), year);
    }

    [Fact]
    public void Consecutive_contract_years_meet_without_gap_or_overlap()
    {
        var coverageStart = new DateOnly(2026, 2, 1);
        var previous = ContractYear.Containing(coverageStart, coverageStart);
        for (var day = coverageStart; day < new DateOnly(2031, 2, 1); day = day.AddDays(1))
        {
            var year = ContractYear.Containing(coverageStart, day);
            Assert.True(year.Contains(day));
            if (year != previous)
            {
                Assert.Equal(previous.End.AddDays(1), year.Start);
                Assert.Equal(day, year.Start);
                previous = year;
            }
        }

        Assert.Equal(new DateOnly(2030, 2, 1), previous.Start);
    }

    [Fact]
    public void Contains_includes_both_ends_and_nothing_beyond()
    {
        var year = new ContractYear(new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 31));

        Assert.True(year.Contains(new DateOnly(2026, 2, 1)));
        Assert.True(year.Contains(new DateOnly(2027, 1, 31)));
        Assert.False(year.Contains(new DateOnly(2026, 1, 31)));
        Assert.False(year.Contains(new DateOnly(2027, 2, 1)));
    }
}
