using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>What moves from a line's hot state to its archive, so the hot state stays bounded.</summary>
public static class ArchiveRules
{
    /// <summary>History entries older than this stay readable from the archive only.</summary>
    public const int HotHistoryDays = 400;

    /// <summary>At most this many history entries stay hot, whatever their age.</summary>
    public const int MaxHotHistory = 300;

    public static bool IsFinished(ClaimState claim) =>
        claim.Status is ClaimStatus.Completed or ClaimStatus.Withdrawn or ClaimStatus.Rejected && claim.PendingShipment is null;

    /// <summary>
    /// Finished claims of contract years before the previous one: the current and previous years stay
    /// hot for CLM-1 counts and back-dated entries; so do unfinished claims of any age.
    /// </summary>
    public static IReadOnlyList<ClaimState> ClaimsToArchive(LineState line, DateOnly today)
    {
        if (line.Option is not { } option)
        {
            return [];
        }

        var previousYearStart = ContractYear.Containing(option.CoverageStartDate, today).Start.AddYears(-1);
        return line.Claims.Where(c => c.ContractYearStart < previousYearStart && IsFinished(c)).ToList();
    }

    /// <summary>Whether anything of <paramref name="line"/> is due for the archive (claims or history).</summary>
    public static bool IsDue(LineState line, DateOnly today, DateTimeOffset now) =>
        ClaimsToArchive(line, today).Count > 0 || HistoryToArchive(line, now) > 0;

    /// <summary>How many of the oldest history entries to archive.</summary>
    public static int HistoryToArchive(LineState line, DateTimeOffset now)
    {
        var cutoff = now.AddDays(-HotHistoryDays);
        var old = line.History.TakeWhile(e => e.At < cutoff).Count();
        return Math.Max(old, line.History.Count - MaxHotHistory);
    }
}
