using Microsoft.Extensions.Time.Testing;
using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;
using Warranty.Grains.Lines;

namespace Warranty.UnitTests;

public class ReceptionRulesTests
{
    private static readonly ReceptionOptions Phones = new() { GigaPhone = "0120-111-111", LegacyPhone = "0120-222-222" };

    private static DateTimeOffset Japan(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.FromHours(9));

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void REC_1_the_centre_opens_at_10_00_Japan_time()
    {
        Assert.False(ReceptionRules.OpenAt(Japan(2026, 3, 10, 9, 59, 59)));
        Assert.True(ReceptionRules.OpenAt(Japan(2026, 3, 10, 10, 0)));
    }

    [Fact]
    public void REC_1_the_centre_is_open_at_17_59_and_closed_at_18_00_Japan_time()
    {
        Assert.True(ReceptionRules.OpenAt(Japan(2026, 3, 10, 17, 59)));
        Assert.True(ReceptionRules.OpenAt(Japan(2026, 3, 10, 17, 59, 59)));
        Assert.False(ReceptionRules.OpenAt(Japan(2026, 3, 10, 18, 0)));
        Assert.False(ReceptionRules.OpenAt(Japan(2026, 3, 10, 23, 30)));
        Assert.False(ReceptionRules.OpenAt(Japan(2026, 3, 10, 0, 0)));
    }

    [Theory]
    [InlineData(0, 59, 59, false)]
    [InlineData(1, 0, 0, true)]
    [InlineData(3, 0, 0, true)]
    [InlineData(8, 59, 59, true)]
    [InlineData(9, 0, 0, false)]
    [InlineData(12, 0, 0, false)]
    [InlineData(16, 0, 0, false)]
    public void REC_1_timestamps_in_UTC_are_judged_in_Japan_time(int hour, int minute, int second, bool open)
    {
        Assert.Equal(open, ReceptionRules.OpenAt(Utc(2026, 3, 10, hour, minute, second)));
    }

    [Fact]
    public void REC_1_the_same_instant_in_any_offset_gives_the_same_answer()
    {
        var instant = Utc(2026, 3, 10, 1, 0);

        Assert.True(ReceptionRules.OpenAt(instant.ToOffset(TimeSpan.FromHours(-10))));
        Assert.True(ReceptionRules.OpenAt(instant.ToOffset(TimeSpan.FromHours(5.5))));
        Assert.False(ReceptionRules.OpenAt(instant.AddSeconds(-1).ToOffset(TimeSpan.FromHours(-10))));
    }

    [Theory]
    [InlineData(2025, 12, 28, true)]
    [InlineData(2025, 12, 29, false)]
    [InlineData(2025, 12, 31, false)]
    [InlineData(2026, 1, 1, false)]
    [InlineData(2026, 1, 3, false)]
    [InlineData(2026, 1, 4, true)]
    public void REC_1_closed_from_29_December_to_3_January_open_on_28_December_and_4_January(int year, int month, int day, bool open)
    {
        Assert.Equal(open, ReceptionRules.OpenAt(Japan(year, month, day, 10, 0)));
        Assert.Equal(open, ReceptionRules.OpenAt(Japan(year, month, day, 17, 59)));
    }

    [Fact]
    public void REC_1_the_holidays_are_judged_by_the_Japan_date_not_the_callers_date()
    {
        // 2026-01-03 15:00 at UTC-10 is 2026-01-04 10:00 in Japan: open.
        Assert.True(ReceptionRules.OpenAt(new DateTimeOffset(2026, 1, 3, 15, 0, 0, TimeSpan.FromHours(-10))));
        // 2025-12-28 17:00 at UTC-10 is 2025-12-29 12:00 in Japan: closed.
        Assert.False(ReceptionRules.OpenAt(new DateTimeOffset(2025, 12, 28, 17, 0, 0, TimeSpan.FromHours(-10))));
        // In UTC: 2025-12-29 02:00Z is 11:00 in Japan on the 29th (closed); 2026-01-04 01:00Z is 10:00 on the 4th (open).
        Assert.False(ReceptionRules.OpenAt(Utc(2025, 12, 29, 2, 0)));
        Assert.True(ReceptionRules.OpenAt(Utc(2026, 1, 4, 1, 0)));
        // 2025-12-28 08:59Z is 17:59 on the 28th in Japan: open.
        Assert.True(ReceptionRules.OpenAt(Utc(2025, 12, 28, 8, 59)));
    }

    [Fact]
    public void REC_2_a_giga_line_is_served_by_the_giga_desk()
    {
        var view = ReceptionRules.Describe(Plan.Giga, Phones, Japan(2026, 3, 10, 12, 0));

        Assert.Equal(new ReceptionView(Plan.Giga, "0120-111-111", "10:00-18:00", true), view);
    }

    [Fact]
    public void REC_2_a_legacy_line_is_served_by_the_legacy_desk()
    {
        var view = ReceptionRules.Describe(Plan.Legacy, Phones, Japan(2026, 3, 10, 19, 0));

        Assert.Equal(new ReceptionView(Plan.Legacy, "0120-222-222", "10:00-18:00", false), view);
    }

    [Fact]
    public void REC_2_the_desk_numbers_come_from_configuration()
    {
        var defaults = new ReceptionOptions();

        Assert.Equal(defaults.GigaPhone, ReceptionRules.Describe(Plan.Giga, defaults, Japan(2026, 3, 10, 12, 0)).Phone);
        Assert.Equal(defaults.LegacyPhone, ReceptionRules.Describe(Plan.Legacy, defaults, Japan(2026, 3, 10, 12, 0)).Phone);
        Assert.NotEqual(defaults.GigaPhone, defaults.LegacyPhone);
        Assert.Equal("Warranty:Reception", ReceptionOptions.Section);
    }

    [Fact]
    public void REC_1_openNow_follows_the_clock_passed_in()
    {
        var time = new FakeTimeProvider(Utc(2026, 3, 10, 0, 59, 59));

        Assert.False(ReceptionRules.Describe(Plan.Giga, Phones, time.GetUtcNow()).OpenNow);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ReceptionRules.Describe(Plan.Giga, Phones, time.GetUtcNow()).OpenNow);
        time.Advance(TimeSpan.FromHours(8));
        Assert.False(ReceptionRules.Describe(Plan.Giga, Phones, time.GetUtcNow()).OpenNow);
    }

    [Fact]
    public void ENR_4_after_a_plan_change_the_option_stays_and_the_desk_follows_the_current_plan()
    {
        var today = new DateOnly(2026, 3, 10);
        var legacy = TestData.LineWithDevice(new DateOnly(2026, 1, 10), TestData.Device()) with { Plan = Plan.Legacy };
        var before = LineViews.Of(legacy, today);

        // The line grain changes the plan as `Line with { Plan = plan }` (ENR-4).
        var giga = legacy with { Plan = Plan.Giga };
        var after = LineViews.Of(giga, today);

        Assert.Equal(Plan.Legacy, before.Plan);
        Assert.Equal(Plan.Giga, after.Plan);
        Assert.NotNull(after.Option);
        Assert.Equal(before.Option, after.Option);
        Assert.Equal(OptionStatus.Active, after.Option.Status);
        Assert.Equal(TestData.ImeiA, after.Option.CoveredImei);
        Assert.Equal(legacy.Option, giga.Option);

        Assert.Equal(Plan.Legacy, ReceptionRules.Describe(legacy.Plan, Phones, Japan(2026, 3, 10, 12, 0)).Desk);
        var desk = ReceptionRules.Describe(giga.Plan, Phones, Japan(2026, 3, 10, 12, 0));
        Assert.Equal(Plan.Giga, desk.Desk);
        Assert.Equal("0120-111-111", desk.Phone);
    }

    [Fact]
    public void ENR_4_a_change_back_to_a_legacy_plan_moves_the_line_to_the_legacy_desk()
    {
        var giga = TestData.LineWithDevice(new DateOnly(2026, 1, 10), TestData.Device()) with { Plan = Plan.Giga };
        var legacy = giga with { Plan = Plan.Legacy };

        var view = ReceptionRules.Describe(legacy.Plan, Phones, Japan(2026, 3, 10, 12, 0));

        Assert.Equal(new ReceptionView(Plan.Legacy, "0120-222-222", "10:00-18:00", true), view);
        Assert.Equal(giga.Option, legacy.Option);
    }
}
