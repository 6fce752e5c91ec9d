namespace Warranty.Grains.Domain;

/// <summary>COV-5: the usage observations a line keeps, and the check a claim makes of them.</summary>
public static class UsageRules
{
    /// <summary>Dates older than this before the newest one are dropped: a claim looks back 90 days.</summary>
    public const int RetainedDays = Terms.UsageLookbackDays + 30;

    /// <summary>How many devices' observations a line keeps (the covered one and a few before it).</summary>
    public const int RetainedDevices = 4;

    /// <summary>The usage list with <paramref name="date"/> recorded for <paramref name="imei"/>; the same list when nothing changes.</summary>
    public static IReadOnlyList<UsageRecord> Record(IReadOnlyList<UsageRecord> usage, string imei, DateOnly date)
    {
        var existing = usage.FirstOrDefault(u => u.Imei == imei);
        if (existing is not null && existing.Dates.Contains(date))
        {
            return usage;
        }

        var dates = (existing?.Dates ?? []).Append(date).Order().ToList();
        var newest = dates[^1];
        dates.RemoveAll(d => d < newest.AddDays(-RetainedDays));
        if (existing is not null && dates.SequenceEqual(existing.Dates))
        {
            return usage;
        }

        var updated = new UsageRecord(imei, dates);
        // Most recently observed device first; keep a bounded number of devices.
        return usage.Where(u => u.Imei != imei).Prepend(updated).Take(RetainedDevices).ToList();
    }

    public static DateOnly? LastUsageOnOrBefore(IReadOnlyList<UsageRecord> usage, string imei, DateOnly date)
    {
        var record = usage.FirstOrDefault(u => u.Imei == imei);
        if (record is null)
        {
            return null;
        }

        DateOnly? last = null;
        foreach (var d in record.Dates)
        {
            if (d <= date)
            {
                last = d;
            }
        }

        return last;
    }

    /// <summary>COV-5: the device communicated with this line's SIM on a date in [claim date − 90, claim date].</summary>
    public static bool UsedRecently(IReadOnlyList<UsageRecord> usage, string imei, DateOnly claimDate) =>
        LastUsageOnOrBefore(usage, imei, claimDate) is { } last && last >= claimDate.AddDays(-Terms.UsageLookbackDays);
}
