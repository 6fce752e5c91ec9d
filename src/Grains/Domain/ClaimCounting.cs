using Warranty.Grains.Interfaces;

namespace Warranty.Grains.Domain;

/// <summary>
/// CLM-1 and CLM-3: which claims count toward a contract year's limit, from and until which dates, and the use number
/// that sets a claim's fee. The claim rules and the coverage rules both count through here.
/// </summary>
public static class ClaimCounting
{
    /// <summary>CLM-1: claims counted in the contract year starting <paramref name="yearStart"/>, and the exchanges among them.</summary>
    public static ClaimCounts Counts(IReadOnlyList<ClaimState> claims, DateOnly yearStart)
    {
        var counted = claims.Where(c => c.CountsTowardLimit && c.ContractYearStart == yearStart).ToList();
        return new ClaimCounts(counted.Count, counted.Count(c => c.Service == ClaimService.Exchange));
    }

    /// <summary>
    /// CLM-1 over time: the claim counts from the Japan date it was accepted until the day before it was rejected or
    /// withdrawn, and as an exchange from the date of the inspection that decided it. Null: it counts on no date (it
    /// ended the day it was accepted).
    /// </summary>
    public static ClaimFact? FactOf(ClaimState claim)
    {
        var from = JapanTime.DateOf(claim.ReceivedAt);
        DateOnly? until = null;
        if (!claim.CountsTowardLimit)
        {
            var ended = claim.Timeline.FirstOrDefault(t => t.Status is ClaimStatus.Rejected or ClaimStatus.Withdrawn);
            if (ended is null)
            {
                return null;
            }

            until = CoveragePeriods.DayBefore(ended.At);
            if (until < from)
            {
                return null;
            }
        }

        DateOnly? exchangeFrom = null;
        if (claim.Service == ClaimService.Exchange)
        {
            var decided = claim.Timeline.FirstOrDefault(t => t.Status == ClaimStatus.ExchangePending);
            exchangeFrom = decided is null ? from : JapanTime.DateOf(decided.At);
        }

        return new ClaimFact(claim.ContractYearStart, from, until, exchangeFrom);
    }

    /// <summary>The dated facts of <paramref name="claims"/> (<see cref="FactOf"/>), those that count on some date.</summary>
    public static IReadOnlyList<ClaimFact> FactsOf(IReadOnlyList<ClaimState> claims)
    {
        if (claims.Count == 0)
        {
            return [];
        }

        var facts = new List<ClaimFact>(claims.Count);
        foreach (var claim in claims)
        {
            if (FactOf(claim) is { } fact)
            {
                facts.Add(fact);
            }
        }

        return facts;
    }

    /// <summary>CLM-1: a claim withdrawn or rejected stops counting toward the limit (from the day of that step, <see cref="FactOf"/>).</summary>
    public static ClaimState Uncounted(ClaimState claim) => claim with { CountsTowardLimit = false };

    /// <summary>
    /// CLM-1 and CLM-3 as of <paramref name="date"/>: the contract year containing it, the claims counted in it and the
    /// exchanges among them, from what had happened by the end of that date ("Time" under COV). Every answer about a
    /// date's contract year (a coverage lookup, the line's view) is this one.
    /// </summary>
    public static ContractYearView YearAsOf(DateOnly coverageStartDate, IReadOnlyList<ClaimFact> claims, DateOnly date)
    {
        var year = ContractYear.Containing(coverageStartDate, date);
        int counted = 0, exchanges = 0;
        foreach (var claim in claims)
        {
            if (claim.YearStart == year.Start && claim.From <= date && (claim.Until is null || date <= claim.Until))
            {
                counted++;
                if (claim.ExchangeFrom is { } decided && decided <= date)
                {
                    exchanges++;
                }
            }
        }

        return View(year, new ClaimCounts(counted, exchanges));
    }

    /// <summary>The contract year <paramref name="year"/> with <paramref name="counts"/>: what remains (CLM-1) and the next fee (CLM-3).</summary>
    public static ContractYearView View(ContractYear year, ClaimCounts counts) =>
        new(year.Start, year.End, counts.Claims, Math.Max(0, Terms.ClaimsPerContractYear - counts.Claims), counts.Exchanges, counts.NextExchangeFeeYen);

    /// <summary>CLM-3: the claim's use number in its contract year, repairs and exchanges counted together.</summary>
    public static int UseNumber(IReadOnlyList<ClaimState> claims, ClaimState claim) =>
        1 + claims.TakeWhile(c => c.ClaimId != claim.ClaimId)
            .Count(c => c.CountsTowardLimit && c.ContractYearStart == claim.ContractYearStart);
}

/// <summary>Claims counted toward CLM-1 in one contract year, and how many of them are exchanges.</summary>
public readonly record struct ClaimCounts(int Claims, int Exchanges)
{
    public static readonly ClaimCounts None = new(0, 0);

    /// <summary>CLM-3: the use number the next claim of the year would have (repairs and exchanges counted together).</summary>
    public int NextUseNumber => Claims + 1;

    /// <summary>CLM-3: the exchange fee of the next claim of the year; null when CLM-1 allows no further claim.</summary>
    public int? NextExchangeFeeYen => Terms.ExchangeFeeYen(NextUseNumber);
}
