using Warranty.Grains.Domain;
using Warranty.Grains.Interfaces;

namespace Warranty.UnitTests;

public class UsageRulesTests
{
    private static readonly DateOnly ClaimDate = new(2026, 6, 1);

    private static DateOnly[] Days(UsageRecord record) =>
        record.Runs.SelectMany(r => Enumerable.Range(0, r.To.DayNumber - r.From.DayNumber + 1).Select(r.From.AddDays)).ToArray();

    private static IReadOnlyList<UsageRecord> Observed(string imei, params DateOnly[] dates)
    {
        IReadOnlyList<UsageRecord> usage = [];
        foreach (var date in dates)
        {
            usage = UsageRules.Record(usage, imei, date);
        }

        return usage;
    }

    [Fact]
    public void COV_5_usage_exactly_90_days_before_the_claim_date_counts()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 3, 3));

        Assert.Equal(new DateOnly(2026, 3, 3), ClaimDate.AddDays(-90));
        Assert.True(UsageRules.UsedRecently(usage, TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_usage_91_days_before_the_claim_date_does_not_count()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 3, 2));

        Assert.False(UsageRules.UsedRecently(usage, TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_usage_on_the_claim_date_counts()
    {
        Assert.True(UsageRules.UsedRecently(Observed(TestData.ImeiA, ClaimDate), TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_usage_after_the_claim_date_does_not_count()
    {
        var onlyAfter = Observed(TestData.ImeiA, ClaimDate.AddDays(1));
        var oldAndAfter = Observed(TestData.ImeiA, new DateOnly(2026, 3, 2), ClaimDate.AddDays(1));

        Assert.False(UsageRules.UsedRecently(onlyAfter, TestData.ImeiA, ClaimDate));
        Assert.False(UsageRules.UsedRecently(oldAndAfter, TestData.ImeiA, ClaimDate));
        Assert.True(UsageRules.UsedRecently(oldAndAfter, TestData.ImeiA, ClaimDate.AddDays(1)));
    }

    [Fact]
    public void COV_5_only_usage_of_the_claimed_device_counts()
    {
        var usage = Observed(TestData.ImeiB, ClaimDate);

        Assert.False(UsageRules.UsedRecently(usage, TestData.ImeiA, ClaimDate));
        Assert.False(UsageRules.UsedRecently([], TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_the_latest_usage_on_or_before_the_date_is_reported()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 20), new DateOnly(2026, 2, 10), new DateOnly(2026, 6, 5));

        Assert.Equal(new DateOnly(2026, 5, 20), UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiA, ClaimDate));
        Assert.Equal(new DateOnly(2026, 6, 5), UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiA, new DateOnly(2026, 6, 5)));
        Assert.Equal(new DateOnly(2026, 2, 10), UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiA, new DateOnly(2026, 5, 19)));
        Assert.Null(UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiA, new DateOnly(2026, 2, 9)));
        Assert.Null(UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiB, ClaimDate));
    }

    [Fact]
    public void COV_5_observations_arriving_out_of_order_are_kept_in_date_order()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 20), new DateOnly(2026, 4, 1), new DateOnly(2026, 5, 1));

        var record = Assert.Single(usage);
        Assert.Equal(TestData.ImeiA, record.Imei);
        Assert.Equal([new DateOnly(2026, 4, 1), new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 20)], Days(record));
    }

    [Fact]
    public void Recording_a_date_already_recorded_returns_the_same_list()
    {
        var usage = Observed(TestData.ImeiA, ClaimDate);

        Assert.Same(usage, UsageRules.Record(usage, TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_retention_keeps_every_date_a_claim_on_the_newest_date_looks_back_to()
    {
        var newest = new DateOnly(2026, 6, 1);
        var usage = Observed(TestData.ImeiA, newest.AddDays(-UsageRules.RetainedDays), newest.AddDays(-90), newest);

        Assert.Equal([newest.AddDays(-UsageRules.RetainedDays), newest.AddDays(-90), newest], Days(Assert.Single(usage)));
        Assert.True(UsageRules.UsedRecently(usage, TestData.ImeiA, newest.AddDays(-1)));
        Assert.True(UsageRules.RetainedDays >= Terms.UsageLookbackDays);
    }

    [Fact]
    public void Dates_older_than_the_retention_before_the_newest_are_dropped()
    {
        var newest = new DateOnly(2026, 6, 1);
        var usage = Observed(TestData.ImeiA, newest.AddDays(-UsageRules.RetainedDays - 1), newest);

        Assert.Equal([newest], Days(Assert.Single(usage)));
    }

    [Fact]
    public void The_most_recently_observed_device_comes_first()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 1));
        usage = UsageRules.Record(usage, TestData.ImeiB, new DateOnly(2026, 5, 2));
        usage = UsageRules.Record(usage, TestData.ImeiA, new DateOnly(2026, 5, 3));

        Assert.Equal([TestData.ImeiA, TestData.ImeiB], usage.Select(u => u.Imei));
        Assert.Equal([new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 3)], Days(usage[0]));
        Assert.Equal([new DateOnly(2026, 5, 2)], Days(usage[1]));
    }

    [Fact]
    public void COV_5_usage_of_the_covered_device_within_90_days_counts_even_after_other_devices_used_the_SIM()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 1));
        for (var i = 0; i < UsageRules.RetainedDevices; i++)
        {
            usage = UsageRules.Record(usage, Imei.WithCheckDigit(TestData.Tac + $"10000{i}"), new DateOnly(2026, 5, 2 + i), keep: [TestData.ImeiA]);
        }

        Assert.True(UsageRules.UsedRecently(usage, TestData.ImeiA, ClaimDate));
    }

    [Fact]
    public void COV_5_a_claim_dated_in_the_past_sees_the_usage_within_90_days_of_its_date()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 1, 5), new DateOnly(2026, 6, 1));

        Assert.True(UsageRules.UsedRecently(usage, TestData.ImeiA, new DateOnly(2026, 1, 10)));
    }

    [Fact]
    public void COV_5_a_device_seen_every_day_is_stored_as_one_run()
    {
        var days = Enumerable.Range(0, 365).Select(i => new DateOnly(2026, 1, 1).AddDays(i)).Reverse().ToArray();

        var usage = Observed(TestData.ImeiA, days);

        var run = Assert.Single(Assert.Single(usage).Runs);
        Assert.Equal(new UsageRun(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), run);
        Assert.Equal(new DateOnly(2026, 7, 4), UsageRules.LastUsageOnOrBefore(usage, TestData.ImeiA, new DateOnly(2026, 7, 4)));
    }

    [Fact]
    public void COV_5_a_date_between_two_runs_joins_them()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 3), new DateOnly(2026, 5, 2));

        Assert.Equal(new UsageRun(new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 3)), Assert.Single(Assert.Single(usage).Runs));
    }

    [Fact]
    public void Without_protection_the_least_recently_seen_device_is_evicted()
    {
        var usage = Observed(TestData.ImeiA, new DateOnly(2026, 5, 1));
        for (var i = 0; i < UsageRules.RetainedDevices; i++)
        {
            usage = UsageRules.Record(usage, Imei.WithCheckDigit(TestData.Tac + $"10000{i}"), new DateOnly(2026, 5, 2 + i));
        }

        Assert.Equal(UsageRules.RetainedDevices, usage.Count);
        Assert.DoesNotContain(usage, u => u.Imei == TestData.ImeiA);
    }

    [Fact]
    public void COV_time_usage_of_every_device_the_option_covered_is_kept_so_past_answers_do_not_change()
    {
        var covered = Enumerable.Range(0, UsageRules.RetainedDevices + 2).Select(i => Imei.WithCheckDigit(TestData.Tac + $"20000{i}")).ToArray();
        IReadOnlyList<UsageRecord> usage = [];
        for (var i = 0; i < covered.Length; i++)
        {
            usage = UsageRules.Record(usage, covered[i], new DateOnly(2026, 5, 1 + i), keep: covered);
        }

        // Then other devices on the SIM: they take the room left, never a covered device's record.
        for (var i = 0; i < UsageRules.RetainedDevices; i++)
        {
            usage = UsageRules.Record(usage, Imei.WithCheckDigit(TestData.Tac + $"30000{i}"), new DateOnly(2026, 6, 1 + i), keep: covered);
        }

        Assert.All(covered, imei => Assert.Contains(usage, u => u.Imei == imei));
        Assert.Equal(new DateOnly(2026, 5, 1), UsageRules.LastUsageOnOrBefore(usage, covered[0], new DateOnly(2026, 5, 10)));
        Assert.Equal(covered.Length + 1, usage.Count);
    }
}
