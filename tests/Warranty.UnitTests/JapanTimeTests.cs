using Microsoft.Extensions.Time.Testing;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class JapanTimeTests
{
    [Fact]
    public void The_Japan_offset_is_nine_hours()
    {
        Assert.Equal(TimeSpan.FromHours(9), JapanTime.Offset);
    }

    [Theory]
    [InlineData("2026-01-31T14:59:59Z", "2026-01-31")]
    [InlineData("2026-01-31T15:00:00Z", "2026-02-01")]
    [InlineData("2025-12-31T15:00:00Z", "2026-01-01")]
    [InlineData("2026-02-01T00:00:00+09:00", "2026-02-01")]
    [InlineData("2026-01-31T23:59:59+09:00", "2026-01-31")]
    [InlineData("2026-01-31T10:00:00-05:00", "2026-02-01")]
    [InlineData("2026-01-31T09:59:59-05:00", "2026-01-31")]
    public void DateOf_gives_the_Japan_date_of_an_instant(string instant, string date)
    {
        var value = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(TestData.D(date), JapanTime.DateOf(value));
    }

    [Fact]
    public void Today_is_the_Japan_date_of_the_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 14, 59, 59, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 1, 31), JapanTime.Today(time));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DateOnly(2026, 2, 1), JapanTime.Today(time));
    }

    [Fact]
    public void ToJapan_keeps_the_instant_and_shows_it_at_plus_nine()
    {
        var utc = new DateTimeOffset(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

        var japan = JapanTime.ToJapan(utc);

        Assert.Equal(utc, japan);
        Assert.Equal(TimeSpan.FromHours(9), japan.Offset);
        Assert.Equal(10, japan.Hour);
    }

    [Theory]
    [InlineData("2026-01-10", "2026-02-01")]
    [InlineData("2026-01-31", "2026-02-01")]
    [InlineData("2026-12-01", "2027-01-01")]
    [InlineData("2026-12-31", "2027-01-01")]
    public void COV_4_FirstOfNextMonth_is_the_first_day_of_the_following_month(string date, string first)
    {
        Assert.Equal(TestData.D(first), JapanTime.FirstOfNextMonth(TestData.D(date)));
    }

    [Fact]
    public void Month_indexes_are_consecutive_across_a_year_end()
    {
        Assert.Equal(JapanTime.MonthIndex(2026, 12) + 1, JapanTime.MonthIndex(2027, 1));
        Assert.Equal(JapanTime.MonthIndex(2026, 5), JapanTime.MonthIndex(new DateOnly(2026, 5, 31)));
        Assert.Equal(JapanTime.MonthIndex(2026, 5), JapanTime.MonthIndex(new DateOnly(2026, 5, 1)));
        Assert.True(JapanTime.MonthIndex(2026, 6) > JapanTime.MonthIndex(new DateOnly(2026, 5, 31)));
    }
}
