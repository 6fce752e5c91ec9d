using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>COV-5: the usage observations a line keeps, and the check a claim makes of them.</summary>
public static class UsageRules
{
    /// <summary>
    /// Observations older than this before the newest are dropped. Two years covers a claim
    /// entered late in one contract year about the one before; a claim looks back 90 days.
    /// </summary>
    public const int RetainedDays = 730;

    /// <summary>
    /// How many devices' observations a line keeps: every device its option covered (their answers about past dates
    /// read them), and of the others the most recently seen, up to this many devices in all.
    /// </summary>
    public const int RetainedDevices = 4;

    /// <summary>
    /// The usage list with <paramref name="date"/> recorded for <paramref name="imei"/>; the same list
    /// (by reference) when nothing changes. The devices in <paramref name="keep"/> (those the option covered) are never evicted.
    /// </summary>
    public static IReadOnlyList<UsageRecord> Record(IReadOnlyList<UsageRecord> usage, string imei, DateOnly date, IEnumerable<string>? keep = null)
    {
        var existing = usage.FirstOrDefault(u => u.Imei == imei);
        var runs = existing?.Runs ?? [];
        if (runs.Any(r => r.Contains(date)))
        {
            return usage;
        }

        // Merge the date into its neighbours: a device used every day is a single run.
        var from = date;
        var to = date;
        var merged = new List<UsageRun>(runs.Count + 1);
        foreach (var run in runs)
        {
            if (run.To.AddDays(1) == from)
            {
                from = run.From;
            }
            else if (run.From.AddDays(-1) == to)
            {
                to = run.To;
            }
            else
            {
                merged.Add(run);
            }
        }

        merged.Add(new UsageRun(from, to));
        merged.Sort((a, b) => a.From.CompareTo(b.From));
        var newest = merged[^1].To;
        merged.RemoveAll(r => r.To < newest.AddDays(-RetainedDays));

        var updated = new UsageRecord(imei, merged);
        var others = usage.Where(u => u.Imei != imei).ToList();
        var covered = keep?.ToHashSet(StringComparer.Ordinal) ?? [];
        var kept = others.Where(u => covered.Contains(u.Imei)).ToHashSet();
        var room = Math.Max(0, RetainedDevices - 1 - kept.Count);
        kept.UnionWith(others.Where(u => !covered.Contains(u.Imei)).Take(room));
        // Most recently observed device first.
        return [updated, .. others.Where(kept.Contains)];
    }

    /// <summary>The last Japan date on or before <paramref name="date"/> within <paramref name="runs"/> (the dates a device was seen), if any.</summary>
    public static DateOnly? LastUsageOnOrBefore(IReadOnlyList<DateSpan> runs, DateOnly date)
    {
        DateOnly? last = null;
        foreach (var run in runs)
        {
            if (run.From <= date)
            {
                var candidate = run.To < date ? run.To : date;
                if (last is null || candidate > last)
                {
                    last = candidate;
                }
            }
        }

        return last;
    }

    public static DateOnly? LastUsageOnOrBefore(IReadOnlyList<UsageRecord> usage, string imei, DateOnly date) =>
        LastUsageOnOrBefore(usage.FirstOrDefault(u => u.Imei == imei)?.Runs.Select(r => new DateSpan(r.From, r.To)).ToArray() ?? [], date);

    /// <summary>COV-5: the device communicated with this line's SIM on a date in [claim date − 90, claim date].</summary>
    public static bool UsedRecently(IReadOnlyList<UsageRecord> usage, string imei, DateOnly claimDate) =>
        LastUsageOnOrBefore(usage, imei, claimDate) is { } last && last >= claimDate.AddDays(-Terms.UsageLookbackDays);
}

/// <summary>Consecutive Japan dates on which a device was seen, both ends included.</summary>
public readonly record struct UsageRun(DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly date) => date >= From && date <= To;
}
